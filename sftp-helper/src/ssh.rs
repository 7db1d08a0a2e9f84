//! The SSH side of an upload, on libssh2 (the `ssh2` crate): connect, verify the host key
//! *before* authenticating, log in, upload to `<name>.partial` with resume, verify the size,
//! rename. Only this helper executable links libssh2 (see `travelerutil::sftp`).

use ssh2::{ErrorCode, OpenFlags, OpenType, Session, Sftp};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Instant;
use travelerutil::secret::Secret;
use travelerutil::sftp::{Endpoint, HostKey, SftpError, Uploaded, fingerprint};

/// The upload buffer. libssh2 splits what it is given into 30000-byte WRITE requests and sends
/// them all before waiting for the first status (sftp.c, `sftp_write`); [`Connection::stream`]
/// keeps between half and all of this outstanding: 35 to 70 requests in flight, about what
/// OpenSSH's sftp keeps (64 × 32 KiB). Measured on 127.0.0.1 (256 MiB, user CPU and wall
/// time): 1–2 MiB beat 4 and 8 MiB, whose extra depth only waits for the channel window.
const WRITE_CHUNK: usize = 2 << 20;

/// How much of an interrupted upload's tail is read back and compared with the local file
/// before resuming from it.
const RESUME_CHECK: u64 = 256 << 10;

fn key_kind(t: ssh2::HostKeyType) -> &'static str {
    match t {
        ssh2::HostKeyType::Rsa => "RSA",
        ssh2::HostKeyType::Dss => "DSA",
        ssh2::HostKeyType::Ecdsa256 | ssh2::HostKeyType::Ecdsa384 | ssh2::HostKeyType::Ecdsa521 => "ECDSA",
        ssh2::HostKeyType::Ed25519 => "ED25519",
        ssh2::HostKeyType::Unknown => "UNKNOWN",
    }
}

/// An authenticated SFTP session.
pub struct Connection {
    session: Session,
    sftp: Sftp,
    addr: String,
    io_secs: u64,
}

/// Connects, shows the host key to `verify`, and only then authenticates: `verify` refuses the
/// key with `Err`, or accepts it and hands over the password (if any). So the password is not
/// even in this process before the server's identity is accepted. A private `key` file is tried
/// first, then the password.
pub fn connect(
    ep: &Endpoint,
    key: Option<&Path>,
    verify: &mut dyn FnMut(&HostKey) -> Result<Option<Secret>, SftpError>,
) -> Result<Connection, SftpError> {
    let addr = ep.addr();
    let io_secs = ep.io_timeout.as_secs();
    let tcp = tcp_connect(ep, &addr)?;
    let mut session = Session::new().map_err(|e| protocol("starting libssh2", &e))?;
    session.set_tcp_stream(tcp);
    session.set_timeout(u32::try_from(ep.io_timeout.as_millis()).unwrap_or(u32::MAX));
    session
        .handshake()
        .map_err(|e| session_error(e, &addr, io_secs, "SSH handshake"))?;
    let Some((blob, kind)) = session.host_key() else {
        return Err(SftpError::HostKey(format!(
            "{addr} presented no host key; refusing to continue"
        )));
    };
    let host_key = HostKey {
        kind: key_kind(kind).to_string(),
        fingerprint: fingerprint(blob),
    };
    let password = verify(&host_key)?;

    let mut tried = Vec::new();
    if let Some(k) = key {
        tried.push("public key");
        // A key that is refused is not an error yet: the password may still be accepted.
        let _ = session.userauth_pubkey_file(&ep.user, None, k, None);
    }
    if !session.authenticated()
        && let Some(pw) = &password
    {
        tried.push("password");
        if let Err(e) = session.userauth_password(&ep.user, pw.expose()) {
            match e.code() {
                // LIBSSH2_ERROR_AUTHENTICATION_FAILED (-18): the server said no.
                ErrorCode::Session(-18) => {}
                _ => return Err(session_error(e, &addr, io_secs, "password authentication")),
            }
        }
    }
    if !session.authenticated() {
        let methods = if tried.is_empty() {
            "no credentials: set a password or a key".to_string()
        } else {
            format!("tried: {}", tried.join(", "))
        };
        return Err(SftpError::Authentication {
            user: ep.user.clone(),
            methods,
        });
    }
    let sftp = session
        .sftp()
        .map_err(|e| session_error(e, &addr, io_secs, "starting the SFTP subsystem"))?;
    Ok(Connection {
        session,
        sftp,
        addr,
        io_secs,
    })
}

fn tcp_connect(ep: &Endpoint, addr: &str) -> Result<TcpStream, SftpError> {
    let addrs: Vec<SocketAddr> = (ep.host.as_str(), ep.port)
        .to_socket_addrs()
        .map_err(|source| SftpError::Dns {
            host: ep.host.clone(),
            source,
        })?
        .collect();
    let mut last = None;
    for a in &addrs {
        match TcpStream::connect_timeout(a, ep.connect_timeout) {
            Ok(s) => {
                // SFTP requests are small and latency-bound at the end of each write batch.
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(e) = last else {
        return Err(SftpError::Dns {
            host: ep.host.clone(),
            source: io::Error::new(io::ErrorKind::NotFound, "no addresses"),
        });
    };
    Err(match e.kind() {
        io::ErrorKind::ConnectionRefused => SftpError::Refused { addr: addr.into() },
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => SftpError::Timeout {
            addr: addr.into(),
            secs: ep.connect_timeout.as_secs(),
            during: "TCP connect",
        },
        _ => SftpError::Unreachable {
            addr: addr.into(),
            source: e,
        },
    })
}

fn protocol(during: &'static str, e: &ssh2::Error) -> SftpError {
    SftpError::Protocol {
        during,
        detail: e.message().to_string(),
    }
}

/// Session-level libssh2 errors (LIBSSH2_ERROR_* in libssh2.h).
fn session_error(e: ssh2::Error, addr: &str, secs: u64, during: &'static str) -> SftpError {
    match e.code() {
        // LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_SOCKET_TIMEOUT
        ErrorCode::Session(-9 | -30) => SftpError::Timeout {
            addr: addr.into(),
            secs,
            during,
        },
        // BANNER_RECV, SOCKET_SEND, SOCKET_DISCONNECT, SOCKET_RECV, BAD_SOCKET
        ErrorCode::Session(-2 | -7 | -13 | -43 | -45) => SftpError::Disconnected {
            addr: addr.into(),
            during,
            detail: e.message().to_string(),
        },
        _ => protocol(during, &e),
    }
}

impl Connection {
    fn err(&self, e: ssh2::Error, path: &str, during: &'static str) -> SftpError {
        match e.code() {
            // LIBSSH2_FX_NO_SUCH_FILE, LIBSSH2_FX_NO_SUCH_PATH
            ErrorCode::SFTP(2 | 10) => SftpError::NotFound {
                path: path.into(),
                during,
            },
            // LIBSSH2_FX_PERMISSION_DENIED, LIBSSH2_FX_WRITE_PROTECT
            ErrorCode::SFTP(3 | 12) => SftpError::Permission {
                path: path.into(),
                during,
            },
            // LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM, LIBSSH2_FX_QUOTA_EXCEEDED (SFTP v5+ servers)
            ErrorCode::SFTP(14 | 15) => SftpError::RemoteFull {
                path: path.into(),
                detail: "no space left on the server (or quota exceeded)".into(),
            },
            // OpenSSH's sftp-server speaks SFTP v3, which has no "disk full" status: ENOSPC and
            // EDQUOT arrive as a generic SSH_FX_FAILURE (sftp-server.c `errno_to_portable`). A
            // failure while *writing* is therefore reported as the likely full disk.
            ErrorCode::SFTP(4) if during == "writing" => SftpError::RemoteFull {
                path: path.into(),
                detail: "the server reported a failure while writing (SFTP v3 servers report a full disk or an \
exceeded quota this way)"
                    .into(),
            },
            ErrorCode::SFTP(_) => SftpError::Protocol {
                during,
                detail: format!("{} (`{path}`)", e.message()),
            },
            ErrorCode::Session(_) => session_error(e, &self.addr, self.io_secs, during),
        }
    }

    fn size_of(&self, path: &str) -> Result<Option<u64>, SftpError> {
        match self.sftp.stat(Path::new(path)) {
            Ok(st) => Ok(st.size),
            Err(e) if matches!(e.code(), ErrorCode::SFTP(2 | 10)) => Ok(None),
            Err(e) => Err(self.err(e, path, "checking the remote file")),
        }
    }

    /// Whether the remote file's last bytes up to `size` equal the local file's (the local file
    /// is then taken as unchanged since the interrupted upload).
    fn tail_matches(&self, path: &str, local: &mut File, size: u64) -> Result<bool, String> {
        let n = size.min(RESUME_CHECK);
        let from = size - n;
        let mut remote = self
            .sftp
            .open_mode(Path::new(path), OpenFlags::READ, 0, OpenType::File)
            .map_err(|e| format!("the partial upload cannot be read back ({})", e.message()))?;
        let len = usize::try_from(n).map_err(|_| "too large".to_string())?;
        let mut a = vec![0u8; len];
        let mut b = vec![0u8; len];
        remote
            .seek(SeekFrom::Start(from))
            .and_then(|_| remote.read_exact(&mut a))
            .map_err(|e| format!("the partial upload cannot be read back ({e})"))?;
        local
            .seek(SeekFrom::Start(from))
            .and_then(|_| local.read_exact(&mut b))
            .map_err(|e| format!("the local file cannot be read ({e})"))?;
        Ok(a == b)
    }

    /// Uploads `local` to `remote` through `remote.partial`: resumes an interrupted upload when
    /// the partial file's content matches the local file up to its size, writes the rest,
    /// checks the remote size, and renames into place (replacing an older `remote`).
    ///
    /// `progress(done, total)` is called after every chunk.
    pub fn upload(
        &self,
        local: &Path,
        remote: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Uploaded, SftpError> {
        let start = Instant::now();
        let lpath = local.display().to_string();
        let local_err = |source| SftpError::Local {
            path: lpath.clone(),
            source,
        };
        let mut file = File::open(local).map_err(local_err)?;
        let total = file.metadata().map_err(local_err)?.len();
        let partial = travelerutil::case::partial_name(remote);

        let mut offset = 0;
        let mut restart_reason = None;
        if let Some(have) = self.size_of(&partial)? {
            if have > total {
                restart_reason = Some(format!(
                    "the partial upload ({have} bytes) is larger than the local file ({total} bytes)"
                ));
            } else if have > 0 {
                match self.tail_matches(&partial, &mut file, have) {
                    Ok(true) => offset = have,
                    Ok(false) => restart_reason = Some("the local file changed since the interrupted upload".into()),
                    Err(why) => restart_reason = Some(why),
                }
            }
        }

        let mut flags = OpenFlags::WRITE | OpenFlags::CREATE;
        if offset == 0 {
            flags |= OpenFlags::TRUNCATE;
        }
        let mut out = self
            .sftp
            .open_mode(Path::new(&partial), flags, 0o644, OpenType::File)
            .map_err(|e| self.err(e, &partial, "creating the upload file"))?;
        file.seek(SeekFrom::Start(offset)).map_err(local_err)?;
        out.seek(SeekFrom::Start(offset)).map_err(|e| SftpError::Protocol {
            during: "seeking in the upload file",
            detail: e.to_string(),
        })?;
        let mut done = offset;
        progress(done, total);
        self.stream(&mut file, &mut out, total - offset, &mut |n| {
            done += n;
            progress(done, total);
        })
        .map_err(|e| match e {
            Streamed::Local(source) => local_err(source),
            Streamed::Remote(e) => self.err(e, &partial, "writing"),
        })?;
        // Closing the handle waits for the server's status of the last writes.
        out.close().map_err(|e| self.err(e, &partial, "writing"))?;
        drop(out);

        let got = self.size_of(&partial)?.unwrap_or(0);
        if got != total {
            return Err(SftpError::Verify {
                path: partial,
                expected: total,
                got,
            });
        }
        self.rename_into_place(&partial, remote)?;
        let got = self.size_of(remote)?.unwrap_or(0);
        if got != total {
            return Err(SftpError::Verify {
                path: remote.into(),
                expected: total,
                got,
            });
        }
        Ok(Uploaded {
            remote: remote.into(),
            bytes: total,
            resumed_from: offset,
            restart_reason,
            seconds: start.elapsed().as_secs_f64(),
        })
    }

    fn rename_into_place(&self, partial: &str, remote: &str) -> Result<(), SftpError> {
        // SFTP v3 RENAME fails when the target exists (draft-ietf-secsh-filexfer-02 §6.5), and
        // OpenSSH's server ignores libssh2's overwrite flags at v3: remove an older copy first.
        let first = self.sftp.rename(Path::new(partial), Path::new(remote), None);
        let Err(e) = first else { return Ok(()) };
        if self.size_of(remote)?.is_none() {
            return Err(self.err(e, remote, "renaming the upload into place"));
        }
        self.sftp
            .unlink(Path::new(remote))
            .map_err(|e| self.err(e, remote, "replacing the older upload"))?;
        self.sftp
            .rename(Path::new(partial), Path::new(remote), None)
            .map_err(|e| self.err(e, remote, "renaming the upload into place"))
    }
}

enum Streamed {
    Local(io::Error),
    Remote(ssh2::Error),
}

impl Connection {
    /// Copies `len` bytes from `file` to `out` without ever letting the request pipeline drain.
    ///
    /// libssh2 sends a WRITE for every 30000 bytes of the buffer it is given, returns the
    /// number of bytes acknowledged so far, and expects the next call to start at the first
    /// unacknowledged byte; bytes appended at the end become new requests (sftp.c
    /// `sftp_write`). So the buffer is topped up from the file whenever less than half of it
    /// is outstanding: about WRITE_CHUNK / 30000 requests stay in flight until the end, as
    /// OpenSSH's sftp keeps 64 (its `-R`), instead of draining after every chunk.
    fn stream(
        &self,
        file: &mut File,
        out: &mut ssh2::File,
        len: u64,
        acked: &mut dyn FnMut(u64),
    ) -> Result<(), Streamed> {
        let mut buf = vec![0u8; WRITE_CHUNK];
        let (mut start, mut end) = (0usize, 0usize);
        let mut unread = len;
        loop {
            if unread > 0 && end - start < WRITE_CHUNK / 2 {
                buf.copy_within(start..end, 0);
                end -= start;
                start = 0;
                let room = (WRITE_CHUNK - end) as u64;
                let n = usize::try_from(unread.min(room)).unwrap_or(0);
                let Some(dst) = buf.get_mut(end..end + n) else { break };
                file.read_exact(dst).map_err(Streamed::Local)?;
                end += n;
                unread -= n as u64;
            }
            if start == end {
                return Ok(());
            }
            let Some(pending) = buf.get(start..end) else { break };
            match out.write(pending) {
                Ok(0) => return Err(Streamed::Remote(ssh2::Error::from_errno(ErrorCode::Session(-7)))),
                Ok(n) => {
                    start += n;
                    acked(n as u64);
                }
                Err(e) => return Err(Streamed::Remote(self.recover(&e))),
            }
        }
        Err(Streamed::Local(io::Error::other("internal: buffer bounds")))
    }

    fn recover(&self, e: &io::Error) -> ssh2::Error {
        let text = e.to_string();
        // The messages of ssh2's `Error::from_errno` for the SFTP statuses (LIBSSH2_FX_*).
        let sftp = [
            ("no such file", 2),
            ("permission denied", 3),
            ("failure", 4),
            ("no such path", 10),
            ("file is write protected", 12),
            ("no space on filesystem", 14),
            ("quota exceeded", 15),
        ];
        if let Some((_, code)) = sftp.iter().find(|(m, _)| *m == text) {
            return ssh2::Error::from_errno(ErrorCode::SFTP(*code));
        }
        ssh2::Error::last_session_error(&self.session)
            .unwrap_or_else(|| ssh2::Error::from_errno(ErrorCode::Session(-7)))
    }
}
