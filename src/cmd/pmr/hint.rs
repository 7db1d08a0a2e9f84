//! What to do about each class of upload failure. The exit code is the class's own
//! ([`crate::sftp::Class::exit`]); this adds the hint printed under the error.

use crate::error::{Failure, HasExit};
use crate::sftp::{self, Class, SftpError};
use crate::term::escape;

/// The failure of an upload to `addr`, with the hint for its class. The message is escaped: a
/// server's error text reaches it.
pub(super) fn failure(name: &str, addr: &str, e: &SftpError) -> Failure {
    Failure::msg(
        e.exit(),
        format!("{}\n  hint: {}", escape(&sftp::chain(e)), hint(name, addr, e.class())),
    )
}

fn hint(name: &str, addr: &str, class: Class) -> String {
    match class {
        Class::Dns => {
            format!("check host= (`travelerUtil {name} show`) and this machine's DNS (/etc/resolv.conf)")
        }
        Class::Refused => {
            format!("nothing accepts connections on {addr}: check host= and port=, or a firewall that rejects the port")
        }
        Class::Unreachable => "check the network route and any firewall or proxy for outgoing SSH".into(),
        Class::Timeout => {
            format!("no answer: a firewall may drop traffic to {addr} silently; check outgoing SSH access")
        }
        Class::Authentication => format!("check user= and the password: `travelerUtil {name} set user=... pw=-`"),
        Class::HostKey => "the server's identity is not confirmed, so no password or file was sent".into(),
        Class::Permission => format!(
            "the account may write only in some directories: set the vendor's upload directory with `travelerUtil {name} set dir=...`"
        ),
        Class::NotFound => format!("the remote directory does not exist: check dir= (`travelerUtil {name} show`)"),
        Class::RemoteFull => "the vendor's server has no space for the file (or the account's quota is used up): try \
later or contact the vendor; the upload resumes when the same command is run again"
            .into(),
        Class::Disconnected => "run the same command again: the upload resumes from what reached the server".into(),
        Class::Verify => "run the same command again; the file was left as .partial on the server".into(),
        Class::Protocol => "run with -v for details, or try again".into(),
        Class::Local => "check that the file is readable".into(),
        Class::Helper => format!(
            "install `{}` in the same directory as travelerUtil; `cargo build --release` builds both",
            sftp::protocol::HELPER
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;

    #[test]
    fn every_failure_class_has_its_exit_code_and_a_hint() {
        let classes = [
            (Class::Dns, Exit::Dns),
            (Class::Refused, Exit::Unreachable),
            (Class::Unreachable, Exit::Unreachable),
            (Class::Timeout, Exit::Timeout),
            (Class::Authentication, Exit::Authentication),
            (Class::HostKey, Exit::HostKey),
            (Class::Permission, Exit::Permission),
            (Class::NotFound, Exit::NotFound),
            (Class::RemoteFull, Exit::RemoteFull),
            (Class::Disconnected, Exit::Unreachable),
            (Class::Verify, Exit::CheckFailed),
            (Class::Protocol, Exit::CheckFailed),
            (Class::Local, Exit::Io),
            (Class::Helper, Exit::Failure),
        ];
        for (class, exit) in classes {
            let e = SftpError::Reported {
                class,
                message: "m".into(),
            };
            let f = failure("pmr", "h:22", &e);
            assert_eq!(f.exit, exit, "{class:?}");
            assert!(format!("{:#}", f.error).starts_with("m\n  hint: "), "{class:?}");
        }
    }

    #[test]
    fn a_servers_error_text_reaches_the_terminal_escaped() {
        let e = SftpError::Reported {
            class: Class::Protocol,
            message: "SSH/SFTP failure: \x1b[2Jgone".into(),
        };
        let f = failure("pmr", "h:22", &e);
        let text = format!("{:#}", f.error);
        assert!(!text.contains('\x1b') && text.contains("\\x1b[2Jgone"), "{text}");
        assert_eq!(f.exit, Exit::CheckFailed);
    }
}
