//! The helper's loop: orders in, events out (the protocol is `travelerutil::sftp::protocol`).

use crate::ssh;
use std::io::{BufRead, Write};
use std::time::Instant;
use travelerutil::sftp::protocol::{Event, Order, PROGRESS_EVERY, PROTOCOL, broken, emit, read_order};
use travelerutil::sftp::{SftpError, chain};

/// The helper's loop over `input` and `output` (its stdin and stdout). Returns its exit code:
/// 0 when the input ended normally, 1 after reporting an error.
pub fn serve(input: &mut dyn BufRead, output: &mut dyn Write) -> u8 {
    match serve_orders(input, output) {
        Ok(()) => 0,
        Err(e) => {
            let event = Event::Error {
                class: e.class(),
                message: chain(&e),
            };
            let _ = emit(output, &event);
            1
        }
    }
}

fn serve_orders(input: &mut dyn BufRead, output: &mut dyn Write) -> Result<(), SftpError> {
    let Some(Order::Connect {
        protocol,
        endpoint,
        key,
    }) = read_order(input)?
    else {
        return Err(broken("expected a connect order first"));
    };
    if protocol != PROTOCOL {
        return Err(broken(format_args!(
            "speaks protocol {PROTOCOL}, travelerUtil sent {protocol}: install both from the same build"
        )));
    }
    let conn = ssh::connect(&endpoint, key.as_deref(), &mut |k| {
        emit(output, &Event::HostKey(k.clone()))?;
        match read_order(input)? {
            Some(Order::Verdict { accept: true, password }) => Ok(password),
            // travelerUtil has the reason and reports it; nothing is sent to the server.
            _ => Err(SftpError::HostKey("the host key was refused".into())),
        }
    })?;
    emit(output, &Event::Connected)?;
    while let Some(order) = read_order(input)? {
        let Order::Upload { local, remote } = order else {
            return Err(broken("expected an upload order"));
        };
        let mut last: Option<Instant> = None;
        let mut failed = None;
        let uploaded = conn.upload(&local, &remote, &mut |done, total| {
            if failed.is_some() || (done < total && last.is_some_and(|t| t.elapsed() < PROGRESS_EVERY)) {
                return;
            }
            last = Some(Instant::now());
            failed = emit(output, &Event::Progress { done, total }).err();
        });
        if let Some(e) = failed {
            return Err(e);
        }
        emit(output, &Event::Uploaded(uploaded?))?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::time::Duration;
    use travelerutil::sftp::Endpoint;

    #[test]
    fn serve_refuses_another_protocol_version_and_anything_before_connect() {
        let mut out = Vec::new();
        let code = serve(
            &mut &b"{\"order\":\"upload\",\"local\":\"a\",\"remote\":\"b\"}\n"[..],
            &mut out,
        );
        assert_eq!(code, 1);
        assert!(String::from_utf8_lossy(&out).contains("expected a connect order first"));

        let ep = Endpoint {
            host: "127.0.0.1".into(),
            port: 1,
            user: "u".into(),
            connect_timeout: Duration::from_secs(1),
            io_timeout: Duration::from_secs(1),
        };
        let mut order = serde_json::to_value(Order::Connect {
            protocol: PROTOCOL,
            endpoint: ep,
            key: None,
        })
        .unwrap();
        order["protocol"] = (PROTOCOL + 1).into();
        let mut out = Vec::new();
        assert_eq!(serve(&mut format!("{order}\n").as_bytes(), &mut out), 1);
        let ev: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(ev["class"], "protocol");
        assert!(ev["message"].as_str().unwrap().contains("same build"), "{ev}");
    }
}
