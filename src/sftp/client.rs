//! travelerUtil's side of the SFTP helper conversation ([`super::protocol`]): start the helper,
//! decide on the host key, hand over the password, and relay uploads and progress.

use super::protocol::{CLOSE_WAIT, Event, HELPER, LINE_CAPACITY, Order, PROTOCOL, broken};
use super::{Endpoint, HostKey, SftpError, Uploaded};
use crate::secret::Secret;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use wait_timeout::ChildExt;
use zeroize::Zeroizing;

/// A running helper with an authenticated SFTP session.
pub struct Client {
    child: Child,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
}

/// Where the helper is: beside the running executable (as cargo builds them, and as the
/// README installs them).
pub fn locate() -> io::Result<PathBuf> {
    Ok(std::env::current_exe()?.with_file_name(HELPER))
}

/// Starts `program` (the helper), has it connect, shows the host key to `verify` (which returns
/// `Err` to refuse it), and only then hands over the password.
pub fn connect(
    program: &Path,
    ep: &Endpoint,
    key: Option<&Path>,
    password: Option<&Secret>,
    verify: &mut dyn FnMut(&HostKey) -> Result<(), SftpError>,
) -> Result<Client, SftpError> {
    let mut cmd = Command::new(program);
    cmd.arg(format!("--parent={}", std::process::id()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    // The helper needs none of our variables, and some hold passwords (TRAVELERUTIL_*_PW).
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("TRAVELERUTIL_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd.spawn().map_err(|source| SftpError::Helper {
        path: program.display().to_string(),
        source,
    })?;
    let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(broken("started without pipes"));
    };
    let mut client = Client {
        child,
        input: Some(input),
        output: BufReader::new(output),
    };
    client.send(&Order::Connect {
        protocol: PROTOCOL,
        endpoint: ep.clone(),
        key: key.map(Path::to_path_buf),
    })?;
    let host_key = match client.next()? {
        Event::HostKey(k) => k,
        _ => return Err(broken("skipped the host key")),
    };
    if let Err(e) = verify(&host_key) {
        client.send(&Order::Verdict {
            accept: false,
            password: None,
        })?;
        return Err(e);
    }
    client.send(&Order::Verdict {
        accept: true,
        password: password.cloned(),
    })?;
    match client.next()? {
        Event::Connected => Ok(client),
        _ => Err(broken("answered out of order")),
    }
}

impl Client {
    fn send(&mut self, order: &Order) -> Result<(), SftpError> {
        let mut line = Zeroizing::new(Vec::with_capacity(LINE_CAPACITY));
        serde_json::to_writer(&mut *line, order).map_err(|e| broken(format_args!("cannot be sent an order: {e}")))?;
        line.push(b'\n');
        let Some(input) = self.input.as_mut() else {
            return Err(broken("has no input"));
        };
        if input.write_all(&line).and_then(|()| input.flush()).is_err() {
            // The helper is gone: its last words (an error event), or its exit status.
            return Err(self.next().err().unwrap_or_else(|| broken("stopped reading")));
        }
        Ok(())
    }

    /// The next event; an error event becomes the error it reports.
    fn next(&mut self) -> Result<Event, SftpError> {
        let mut line = String::new();
        match self.output.read_line(&mut line) {
            Ok(0) | Err(_) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
                return Err(broken(format_args!("ended without an answer ({status})")));
            }
            Ok(_) => {}
        }
        match serde_json::from_str(&line) {
            Ok(Event::Error { class, message }) => Err(SftpError::Reported { class, message }),
            Ok(e) => Ok(e),
            Err(e) => Err(broken(format_args!("sent an unreadable line ({e})"))),
        }
    }

    /// Uploads `local` to `remote` (resuming a `.partial`, as the helper does it); `progress(done, total)`
    /// is called as the helper reports.
    pub fn upload(
        &mut self,
        local: &Path,
        remote: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Uploaded, SftpError> {
        self.send(&Order::Upload {
            local: local.to_path_buf(),
            remote: remote.to_string(),
        })?;
        loop {
            match self.next()? {
                Event::Progress { done, total } => progress(done, total),
                Event::Uploaded(u) => return Ok(u),
                _ => return Err(broken("answered out of order")),
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // End of input: a helper between orders closes the SSH session and exits 0. One that
        // does not exit promptly is ended rather than waited for.
        drop(self.input.take());
        if !matches!(self.child.wait_timeout(CLOSE_WAIT), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
