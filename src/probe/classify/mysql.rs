//! MariaDB Connector/ODBC and MySQL Connector/ODBC.

use super::{ETIMEDOUT, EUNREACH, Rank, Rec, Signal, hint, number_after, paren_number, sig};

// ---------------------------------------------------------------------------------------------
// MariaDB Connector/ODBC (docs/odbc-drivers.md) and MySQL Connector/ODBC ([documented, not observed]); the
// client error numbers (2002, 2003, 2005, 2013, 2026) and server ones (1044, 1045, 1049) are the
// same in both. Server messages may be localised (lc_messages), so the server numbers also count
// on their own with their usual SQLSTATE.

pub(super) fn mysql(rec: &Rec) -> Option<Signal> {
    let n = rec.native;
    let st = rec.state.as_str();
    // observed: `42000/1044 Access denied for user 'app'@'127.0.0.1' to database 'nosuchdb'` — what a
    // user without global privileges gets for a database that does not exist.
    if (rec.has("access denied for user") && rec.has("to database")) || (n == 1044 && st == "42000") {
        return Some(sig(
            Rank::Permission,
            format!("native {n} access denied to database"),
            hint::MYSQL_DATABASE_DENIED,
        ));
    }
    // observed: `28000/1045 [ma-3.1.15]Access denied for user 'app'@'127.0.0.1' (using password: YES)`.
    if rec.has("access denied for user") || (n == 1045 && st == "28000") {
        return Some(sig(
            Rank::Authentication,
            format!("native {n} access denied for user"),
            hint::AUTH,
        ));
    }
    // observed: `42000/1049 Unknown database 'nosuchdb'`.
    if rec.has("unknown database") || (n == 1049 && st == "42000") {
        return Some(sig(
            Rank::DatabaseNotFound,
            format!("native {n} unknown database"),
            hint::DATABASE,
        ));
    }
    // [documented, not observed] 1130: Host '…' is not allowed to connect to this … server.
    if rec.has("is not allowed to connect to this") {
        return Some(sig(
            Rank::Permission,
            format!("native {n} host not allowed to connect"),
            hint::MYSQL_HOST_DENIED,
        ));
    }
    // [documented, not observed] 1129: Host '…' is blocked because of many connection errors.
    if rec.has("is blocked because of many connection errors") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} host blocked"),
            hint::MYSQL_HOST_BLOCKED,
        ));
    }
    // [documented, not observed] 2026 SSL connection error.
    if rec.has("ssl connection error") {
        return Some(sig(Rank::Tls, format!("native {n} SSL connection error"), hint::TLS));
    }
    // observed: `HY000/2005 Unknown server host 'nosuchhost.invalid' (-2)`; MySQL says "Unknown MySQL
    // server host".
    if rec.has("unknown") && rec.has("server host") {
        return Some(sig(Rank::Dns, format!("native {n} unknown server host"), hint::DNS));
    }
    // observed: `HY000/2002 Can't connect to server on '127.0.0.1' (115)` for a closed port (115:
    // the non-blocking connect's EINPROGRESS); MySQL: 2003 `Can't connect to MySQL server on
    // 'host:3306' (111)`.
    if rec.has("can't connect to") {
        let errno = paren_number(&rec.msg);
        let what = match errno {
            Some(e) => format!("native {n} can't connect (errno {e})"),
            None => format!("native {n} can't connect"),
        };
        return Some(match errno {
            Some(e) if EUNREACH.contains(&e) => sig(Rank::Refused, what, hint::NO_ROUTE),
            Some(e) if ETIMEDOUT.contains(&e) => sig(Rank::Refused, what, hint::CONNECT_TIMEOUT),
            _ => sig(Rank::Refused, what, hint::REFUSED),
        });
    }
    // observed: `08S01/2013 Lost connection to server at 'handshake: reading initial communication
    // packet', system error: 110` (silent listener with CONN_TIMEOUT=3). Another errno (0, 104)
    // means the server hung up, which is not a timeout.
    if rec.has("lost connection to") {
        let errno = number_after(&rec.msg, "system error:");
        return Some(match errno {
            Some(e) if ETIMEDOUT.contains(&e) => sig(
                Rank::Timeout,
                format!("native {n} lost connection during handshake (errno {e})"),
                hint::TIMEOUT,
            ),
            Some(e) => sig(
                Rank::Protocol,
                format!("native {n} lost connection during handshake (errno {e})"),
                hint::MYSQL_HANDSHAKE,
            ),
            None if rec.has("timed out") || rec.has("timeout") => sig(
                Rank::Timeout,
                format!("native {n} lost connection (timeout)"),
                hint::TIMEOUT,
            ),
            None => sig(Rank::WeakTimeout, format!("native {n} lost connection"), hint::TIMEOUT),
        });
    }
    // [documented, not observed] 2059 plugin cannot be loaded; 1251 client does not support
    // the authentication protocol.
    if rec.has("authentication plugin") || rec.has("authentication protocol requested") {
        return Some(sig(
            Rank::Protocol,
            format!("native {n} authentication plugin not usable"),
            hint::MYSQL_PLUGIN,
        ));
    }
    None
}
