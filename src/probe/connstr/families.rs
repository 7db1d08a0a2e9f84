//! The keyword mapping of each driver family: which JDBC property becomes which ODBC keyword.
//! Sources are the drivers' own keyword lists (see the module docs of [`super`]).

use super::{ConnString, Inputs, credentials, is_true};
use crate::jdbc::model::Kind;
use crate::probe::drivers::DriverFamily;

pub(super) fn db2(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        timeout: t,
        ca,
        ..
    } = i;
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
        if url.kind == Kind::Derby && db.chars().any(|c| c.is_lowercase()) {
            // The Db2 driver upper-cases Database= while Derby names are case-sensitive
            // directories (seen: "Database 'TRAVELER' not found" for a db created as traveler).
            notes.push(format!(
                "the Db2 driver sends the database name upper-cased; Derby looks for `{db}` exactly"
            ));
        }
    }
    if let Some(h) = host {
        cs.set("Hostname", h);
        cs.set("Port", url.port().unwrap_or(446).to_string());
        cs.set("Protocol", "TCPIP");
    }
    credentials(cs, "Uid", "Pwd", user, pw);
    // JCC's default securityMechanism is CLEAR_TEXT_PASSWORD_SECURITY (3): user and password
    // sent to the server, which is what CLI calls Authentication=SERVER. The CLI default
    // negotiates an encrypted mechanism instead, which Derby rejects (SQL30082N reason 17).
    let auth = match url.property_value("securityMechanism").map(str::trim) {
        Some("7") | Some("9") => "SERVER_ENCRYPT",
        Some("13") => "SERVER_ENCRYPT_AES",
        Some("11") => "KERBEROS",
        _ => "SERVER",
    };
    cs.set("Authentication", auth);
    if t > 0 {
        // CLI ConnectTimeout: 0..32767 seconds.
        cs.set("ConnectTimeout", t.min(32767).to_string());
    }
    if is_true(url, "sslConnection") {
        cs.set("Security", "SSL");
        if let Some(ca) = ca {
            cs.set("SSLServerCertificate", ca.display().to_string());
        } else if url.property_value("sslTrustStoreLocation").is_some() {
            notes.push("sslTrustStoreLocation is a Java keystore; the CLI driver needs a PEM file (configure the truststore with `ssl set`)".into());
        }
    }
    if let Some(s) = url.property_value("currentSchema") {
        cs.set("CurrentSchema", s.to_string());
    }
}

pub(super) fn ibmi(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        ..
    } = i;
    // An empty system in a JTOpen URL means the local IBM i.
    cs.set("System", host.unwrap_or_else(|| "localhost".into()));
    credentials(cs, "UID", "PWD", user, pw);
    if let Some(db) = &url.database {
        cs.set("DATABASE", db.clone());
    }
    // Default schema first, then the library list; JDBC's *LIBL placeholder is *USRLIBL here.
    let mut dbq: Vec<String> = Vec::new();
    if let Some(s) = &url.schema {
        dbq.push(s.clone());
    }
    if let Some(libs) = url.property_value("libraries") {
        for l in libs.split([',', ' ']).map(str::trim).filter(|l| !l.is_empty()) {
            let l = if l.eq_ignore_ascii_case("*LIBL") {
                "*USRLIBL".to_string()
            } else {
                l.to_string()
            };
            if !dbq.iter().any(|x| x.eq_ignore_ascii_case(&l)) {
                dbq.push(l);
            }
        }
    }
    if !dbq.is_empty() {
        cs.set("DBQ", dbq.join(","));
    }
    let naming = url.property_value("naming").map(|v| v.trim().to_ascii_lowercase());
    cs.set("NAM", if naming.as_deref() == Some("system") { "1" } else { "0" });
    // CommitMode: 0 *NONE, 1 *CS, 2 *CHG, 3 *ALL, 4 *RR.
    if let Some(iso) = url.property_value("transaction isolation") {
        let cmt = match iso.trim().to_ascii_lowercase().as_str() {
            "none" => Some("0"),
            "read committed" => Some("1"),
            "read uncommitted" => Some("2"),
            "repeatable read" => Some("3"),
            "serializable" => Some("4"),
            _ => None,
        };
        if let Some(c) = cmt {
            cs.set("CMT", c);
        }
    }
    if let Some(acc) = url.property_value("access") {
        let ct = match acc.trim().to_ascii_lowercase().as_str() {
            "all" => Some("0"),
            "read call" => Some("1"),
            "read only" => Some("2"),
            _ => None,
        };
        if let Some(c) = ct {
            cs.set("CONNTYPE", c);
        }
    }
    if is_true(url, "secure") {
        cs.set("SSL", "1");
    }
    if url.explicit_port().is_some() {
        notes.push("IBM i Access finds the database server through the port mapper; the URL's port is not used".into());
    }
    notes.push(
        "IBM i Access has no connect-timeout keyword; the login timeout attribute and the watchdog bound the attempt"
            .into(),
    );
}

pub(super) fn mssql(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        family,
        host,
        user,
        password: pw,
        timeout: t,
        ..
    } = i;
    let host = host.unwrap_or_else(|| "localhost".into());
    // "If you use both a portNumber and instanceName, the portNumber takes precedence".
    let server = match (url.explicit_port(), &url.instance) {
        (Some(p), _) => format!("tcp:{host},{p}"),
        (None, Some(i)) => format!("{host}\\{i}"),
        (None, None) => format!("tcp:{host},1433"),
    };
    cs.set("Server", server);
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    let v18 = family == DriverFamily::MsOdbc18;
    // mssql-jdbc ≥ 10.2 encrypts by default; ODBC 17 does not, so say it explicitly.
    let enc = url.property_value("encrypt").map(|v| v.trim().to_ascii_lowercase());
    let encrypt = match enc.as_deref() {
        Some("false" | "no" | "optional") => {
            if v18 {
                "Optional"
            } else {
                "no"
            }
        }
        Some("strict") if v18 => "Strict",
        Some("strict") => {
            notes.push("encrypt=strict (TDS 8) needs ODBC Driver 18; ODBC 17 uses Encrypt=yes".into());
            "yes"
        }
        _ => {
            if v18 {
                "Mandatory"
            } else {
                "yes"
            }
        }
    };
    cs.set("Encrypt", encrypt);
    if is_true(url, "trustServerCertificate") {
        cs.set("TrustServerCertificate", "yes");
    }
    if let Some(h) = url.property_value("hostNameInCertificate") {
        if v18 {
            cs.set("HostnameInCertificate", h.to_string());
        } else {
            notes.push("hostNameInCertificate needs ODBC Driver 18".into());
        }
    }
    if is_true(url, "multiSubnetFailover") {
        cs.set("MultiSubnetFailover", "Yes");
    }
    if let Some(ai) = url.property_value("applicationIntent") {
        cs.set("ApplicationIntent", ai.trim().to_string());
    }
    if t > 0 && v18 {
        // ConnectTimeout exists from ODBC Driver 18.7; older builds ignore unknown keywords.
        cs.set("ConnectTimeout", t.to_string());
    } else if t > 0 {
        notes.push("ODBC Driver 17 has no connect-timeout keyword; the login timeout attribute and the watchdog bound the attempt".into());
    }
}

pub(super) fn freetds(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        host,
        user,
        password: pw,
        timeout: t,
        ..
    } = i;
    let host = host.unwrap_or_else(|| "localhost".into());
    // FreeTDS's parse_server() handles `host\instance` or `host,port` and has no `tcp:`
    // prefix; with a `\` it does not parse a port, so a port goes in Port= instead.
    match (url.explicit_port(), &url.instance) {
        (Some(p), _) => {
            cs.set("Server", host);
            cs.set("Port", p.to_string());
        }
        (None, Some(i)) => {
            cs.set("Server", format!("{host}\\{i}"));
        }
        (None, None) => {
            cs.set("Server", host);
            cs.set("Port", "1433");
        }
    }
    if let Some(db) = &url.database {
        cs.set("Database", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    cs.set("TDS_Version", "7.4");
    let enc = url.property_value("encrypt").map(|v| v.trim().to_ascii_lowercase());
    let off = matches!(enc.as_deref(), Some("false" | "no" | "optional"));
    cs.set("Encryption", if off { "off" } else { "require" });
    if is_true(url, "trustServerCertificate") {
        notes.push("FreeTDS does not verify server certificates unless given a CA file; trustServerCertificate has no equivalent".into());
    }
    if t > 0 {
        // FreeTDS's ODBC keywords have no connect timeout (`Timeout=` sets the *query* timeout:
        // TDS_STR_TIMEOUT → login->query_timeout; 1.3.17's libtdsodbc.so knows no
        // `ConnectionTimeout`). It honours SQL_ATTR_LOGIN_TIMEOUT (HYT00 after the deadline).
        notes.push("FreeTDS has no connect-timeout keyword; it honours the login timeout attribute".into());
    }
}

pub(super) fn mysql(i: Inputs<'_>, cs: &mut ConnString, notes: &mut Vec<String>) {
    let Inputs {
        url,
        family,
        host,
        user,
        password: pw,
        timeout: t,
        ca,
    } = i;
    let maria = family == DriverFamily::MariaDbOdbc;
    if url.endpoints.len() > 1 && !maria {
        let list: Vec<String> = url
            .endpoints
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e.host.clone().unwrap_or_else(|| "localhost".into()),
                    e.port.unwrap_or(3306)
                )
            })
            .collect();
        cs.set("SERVER", list.join(","));
        cs.set("MULTI_HOST", "1");
    } else {
        cs.set("SERVER", host.unwrap_or_else(|| "localhost".into()));
        cs.set("PORT", url.port().unwrap_or(3306).to_string());
        if url.endpoints.len() > 1 {
            notes.push("MariaDB Connector/ODBC takes one server; only the first host is checked".into());
        }
    }
    if let Some(db) = &url.database {
        cs.set("DATABASE", db.clone());
    }
    credentials(cs, "UID", "PWD", user, pw);
    // Connector/J 8: sslMode wins over useSSL; useSSL=true means REQUIRED (VERIFY_CA with
    // verifyServerCertificate=true), useSSL=false means DISABLED; the default is PREFERRED.
    let mode = match url.property_value("sslMode") {
        Some(m) => Some(m.trim().to_ascii_uppercase()),
        None => match url.property_value("useSSL").map(|v| v.trim().to_ascii_lowercase()) {
            Some(v) if v == "true" || v == "yes" => Some(if is_true(url, "verifyServerCertificate") {
                "VERIFY_CA".to_string()
            } else {
                "REQUIRED".to_string()
            }),
            Some(_) => Some("DISABLED".to_string()),
            None => None,
        },
    };
    let mode = if ca.is_some() && matches!(mode.as_deref(), Some("REQUIRED") | None | Some("PREFERRED")) {
        // A configured truststore means the admin wants the server verified.
        Some("VERIFY_CA".to_string())
    } else {
        mode
    };
    if maria {
        if t > 0 {
            // MariaDB Connector/ODBC ignores SQL_ATTR_LOGIN_TIMEOUT on a server that accepts TCP
            // and never answers; only CONN_TIMEOUT bounds it.
            cs.set("CONN_TIMEOUT", t.to_string());
        }
        match mode.as_deref() {
            Some("REQUIRED") => {
                cs.set("FORCETLS", "1");
            }
            Some("VERIFY_CA" | "VERIFY_IDENTITY") => {
                cs.set("FORCETLS", "1");
                cs.set("SSLVERIFY", "1");
            }
            Some("PREFERRED") => {
                notes.push("MariaDB Connector/ODBC has no 'preferred' TLS mode; it connects without TLS".into())
            }
            _ => {}
        }
        if let Some(ca) = ca {
            cs.set("SSLCA", ca.display().to_string());
        }
    } else {
        if let Some(m) = mode {
            cs.set("SSLMODE", m);
        }
        if let Some(ca) = ca {
            cs.set("SSLCA", ca.display().to_string());
        }
        if t > 0 {
            notes.push("MySQL Connector/ODBC has no connect-timeout keyword; it maps the login timeout attribute to MYSQL_OPT_CONNECT_TIMEOUT".into());
        }
    }
}
