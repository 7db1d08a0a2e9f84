use super::*;
use proptest::prelude::*;

fn rec(state: &str, native: i32, message: &str) -> DiagRecord {
    DiagRecord {
        state: state.into(),
        native,
        message: message.into(),
    }
}

/// Classifies at the connect stage and checks the class and the deciding record.
#[track_caller]
fn check(records: &[DiagRecord], class: FailureClass, index: usize) -> Verdict {
    let v = classify(Stage::Connect, records);
    assert_eq!(v.class, class, "{v:#?}");
    assert_eq!(v.evidence.as_ref().map(|e| e.0), Some(index), "{v:#?}");
    assert_no_secret(&v);
    v
}

#[track_caller]
fn check1(state: &str, native: i32, message: &str, class: FailureClass) -> Verdict {
    check(&[rec(state, native, message)], class, 0)
}

fn assert_no_secret(v: &Verdict) {
    let h = v.hint.to_ascii_lowercase();
    assert!(!h.contains("pwd="), "{}", v.hint);
    assert!(!v.hint.is_empty());
    if let Some((_, what)) = &v.evidence {
        assert!(!what.to_ascii_lowercase().contains("pwd="), "{what}");
    }
}

use FailureClass::*;

// ----- unixODBC (docs/odbc-drivers.md) ------------------------------------------------------

#[test]
fn unixodbc_driver_manager_records() {
    let v = check1(
        "01000",
        0,
        "[unixODBC][Driver Manager]Can't open lib 'NoSuchDriver' : file not found",
        DriverMissing,
    );
    assert_eq!(v.hint, hint::DRIVER_NOT_FOUND);
    assert!(v.hint.contains("odbcinst -q -d"));
    let v = check1(
        "01000",
        0,
        "[unixODBC][Driver Manager]Can't open lib '/opt/clidriver/lib/libdb2.so' : file not found",
        DriverMissing,
    );
    assert_eq!(v.hint, hint::DRIVER_NOT_FOUND);
    let v = check1(
        "01000",
        0,
        "[unixODBC][Driver Manager]Can't open lib '/opt/clidriver/lib/libdb2.so' : libxml2-a0a916ee.so.2.9.13: \
         cannot open shared object file: No such file or directory",
        DriverMissing,
    );
    assert_eq!(v.hint, hint::DRIVER_DEPENDENCY);
    let v = check1(
        "IM002",
        0,
        "[unixODBC][Driver Manager]Data source name not found, and no default driver specified",
        DriverMissing,
    );
    assert!(v.hint.contains("ODBCSYSINI"));
    check1(
        "IM003",
        0,
        "[unixODBC][Driver Manager]Specified driver could not be loaded",
        DriverMissing,
    );
    check1(
        "IM004",
        0,
        "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
        DriverMissing,
    );
    // The same text with an odd SQLSTATE still counts.
    check1(
        "HY000",
        0,
        "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
        DriverMissing,
    );
}

#[test]
fn environment_stage_is_the_driver_manager_unless_the_records_say_otherwise() {
    for state in ["S1009", "HY024"] {
        let v = classify(
            Stage::Environment,
            &[rec(state, 0, "[unixODBC][Driver Manager]Invalid attribute value")],
        );
        assert_eq!(v.class, DriverManager);
        assert_eq!(v.hint, hint::DRIVER_MANAGER_OLD);
        assert_eq!(v.evidence.as_ref().map(|e| e.0), Some(0));
        assert!(v.evidence.unwrap().1.contains(state));
    }
    let v = classify(Stage::Environment, &[]);
    assert_eq!((v.class, v.evidence), (DriverManager, None));
    assert_eq!(v.hint, hint::DRIVER_MANAGER);
    // A record that names no driver-manager cause still yields DriverManager at this stage.
    let v = classify(Stage::Environment, &[rec("08001", -30082, r#"SQL30082N reason "24""#)]);
    assert_eq!(v.class, DriverManager);
    assert_eq!(v.evidence.unwrap().0, 0);
    // "Records say otherwise": a driver that cannot be loaded.
    let v = classify(
        Stage::Environment,
        &[
            rec("HY000", 0, "x"),
            rec(
                "IM004",
                0,
                "[unixODBC][Driver Manager]Driver's SQLAllocHandle on SQL_HANDLE_HENV failed",
            ),
        ],
    );
    assert_eq!((v.class, v.evidence.unwrap().0), (DriverMissing, 1));
    // Outside the environment stage HY024 is an ordinary attribute error.
    check1("HY024", 0, "[unixODBC][Driver Manager]Invalid attribute value", Other);
}

// ----- IBM Db2 CLI driver (docs/odbc-drivers.md) ---------------------------------------------------

#[test]
fn db2_driver() {
    // observed: wrong password / unknown user.
    let v = check1(
        "08001",
        -30082,
        r#"SQL30082N Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD INVALID")"#,
        Authentication,
    );
    assert_eq!(
        v.evidence.as_ref().unwrap().1,
        "native -30082 reason 24 (USERNAME AND/OR PASSWORD INVALID)"
    );
    assert!(v.hint.contains("travelerUtil db set user=NAME pw=-"));
    // The driver's full format (prefix, double blanks, SQLSTATE suffix).
    check1(
        "08001",
        -30082,
        "[IBM][CLI Driver] SQL30082N  Security processing failed with reason \"24\" (\"USERNAME AND/OR PASSWORD \
         INVALID\").  SQLSTATE=08001\r\n",
        Authentication,
    );
    // [documented] reason 1.
    let v = check1(
        "08001",
        -30082,
        r#"SQL30082N Security processing failed with reason "1" ("PASSWORD EXPIRED")"#,
        Authentication,
    );
    assert_eq!(v.hint, hint::AUTH_EXPIRED);
    // observed: the default security mechanism against Derby.
    let v = check1(
        "08001",
        -30082,
        r#"SQL30082N Security processing failed with reason "17" ("UNSUPPORTED FUNCTION")"#,
        Other,
    );
    assert_eq!(v.hint, hint::DB2_MECHANISM);
    assert!(v.hint.contains("Authentication=SERVER"));
    // An unlisted reason: Other with the generic security hint.
    let v = check1(
        "08001",
        -30082,
        r#"SQL30082N Security processing failed with reason "42" ("ROOT CAPABILITY REQUIRED")"#,
        Other,
    );
    assert_eq!(v.hint, hint::DB2_SECURITY);
    // observed: wrong database.
    check1(
        "08004",
        -30061,
        r#"SQL30061N The database alias or database name "NOSUCHDB          " was not found at the remote node."#,
        DatabaseNotFound,
    );
    // observed: stock Derby rejects the client.
    let v = check1(
        "08001",
        -30020,
        concat!(
            r#"SQL30020N ... syntax error in the communication data stream ... "#,
            r#"Reason Code "0x124C"("0214")"". SQLSTATE=58009"#,
        ),
        Other,
    );
    assert_eq!(v.hint, hint::DB2_PROTOCOL);
    // observed: closed port.
    let v = check1(
        "08001",
        -30081,
        concat!(
            r#"SQL30081N A communication error has been detected. Communication protocol being used: "TCP/IP" "#,
            r#"... Communication function detecting the error: "connect". "#,
            r#"Protocol specific error code(s): "111", "*", "*"."#,
        ),
        Refused,
    );
    assert_eq!(
        v.evidence.unwrap().1,
        "native -30081 function \"connect\", code 111 (connection refused)"
    );
    // observed: unresolvable host.
    check1(
        "08001",
        -1336,
        r#"SQL1336N The remote host "nosuchhost.invalid" was not found."#,
        Dns,
    );
    // observed: DSN only in odbc.ini.
    let v = check1(
        "08001",
        -1531,
        "SQL1531N ... DSN connection string keyword could not be found in either the db2dsdriver.cfg \
         configuration file or the db2cli.ini configuration file",
        Other,
    );
    assert_eq!(v.hint, hint::DB2_DSN);
    // [documented] SQL1013N, SQL1598N, GSKit.
    check1(
        "08001",
        -1013,
        concat!(
            r#"[IBM][CLI Driver] SQL1013N  The database alias name or database name "TRAVELER" "#,
            r#"could not be found.  SQLSTATE=42705"#,
        ),
        DatabaseNotFound,
    );
    let v = check1(
        "42968",
        -1598,
        "[IBM][CLI Driver] SQL1598N  An attempt to connect to the database server failed because of a licensing \
         problem.  SQLSTATE=42968",
        Other,
    );
    assert_eq!(v.hint, hint::DB2_LICENSE);
    let v = check1(
        "08001",
        -30081,
        concat!(
            r#"[IBM][CLI Driver] SQL30081N  A communication error has been detected. "#,
            r#"Communication protocol being used: "SSL".  Communication API being used: "SOCKETS".  "#,
            r#"Location where the error was detected: "".  "#,
            r#"Communication function detecting the error: "sqlccSSLSocketSetup".  "#,
            r#"Protocol specific error code(s): "414", "*", "*".  SQLSTATE=08001"#,
        ),
        Tls,
    );
    assert_eq!(v.hint, hint::DB2_TLS);
    // The SQLnnnnN token decides when the native code is missing.
    check1(
        "08001",
        0,
        r#"SQL30082N Security processing failed with reason "24" ("USERNAME AND/OR PASSWORD INVALID")"#,
        Authentication,
    );
    check1(
        "08004",
        0,
        r#"SQL30061N The database alias or database name "X" was not found at the remote node."#,
        DatabaseNotFound,
    );
}

/// SQL30081N in the driver's real layout, with the function and code columns observed (docs/odbc-drivers.md).
fn sql30081(protocol: &str, function: &str, code: &str) -> DiagRecord {
    rec(
        "08001",
        -30081,
        &format!(
            "[IBM][CLI Driver] SQL30081N  A communication error has been detected. Communication protocol being \
             used: \"{protocol}\".  Communication API being used: \"SOCKETS\".  Location where the error was \
             detected: \"127.0.0.1\".  Communication function detecting the error: \"{function}\".  Protocol \
             specific error code(s): \"{code}\", \"*\", \"*\".  SQLSTATE=08001"
        ),
    )
}

#[test]
fn db2_refused_versus_timeout() {
    // observed: closed port.
    check(&[sql30081("TCP/IP", "connect", "111")], Refused, 0);
    // observed: closed port with ConnectTimeout=2: the function name says "Timeout", the port was
    // closed. Nothing accepted the connection: Refused.
    let v = check(&[sql30081("TCP/IP", "selectForConnectTimeout", "115")], Refused, 0);
    assert_eq!(v.hint, hint::DB2_CONNECT);
    assert_eq!(
        v.evidence.unwrap().1,
        "native -30081 function \"selectForConnectTimeout\", code 115 (TCP connect did not complete)"
    );
    // The brief's variant: "selectForConnectTimeout" with ECONNREFUSED.
    check(&[sql30081("TCP/IP", "selectForConnectTimeout", "111")], Refused, 0);
    // observed: silent listener with SQL_ATTR_LOGIN_TIMEOUT=5 or ConnectTimeout=3.
    let v = check(&[sql30081("TCP/IP", "selectForRecvTimeout", "115")], Timeout, 0);
    assert_eq!(v.hint, hint::TIMEOUT);
    // ECONNREFUSED wins over an SSL protocol name: the TCP connect failed first.
    check(&[sql30081("SSL", "connect", "111")], Refused, 0);
    check(&[sql30081("SSL", "gsk_secure_soc_init", "420")], Tls, 0);
    check(&[sql30081("TCP/IP", "connect", "113")], Refused, 0);
    check(&[sql30081("TCP/IP", "connect", "110")], Refused, 0);
    check(&[sql30081("TCP/IP", "recv", "104")], Other, 0);
    check(&[sql30081("TCP/IP", "recv", "110")], Timeout, 0);
    check(&[sql30081("TCP/IP", "somethingNew", "*")], Refused, 0);
}

// ----- MariaDB Connector/ODBC (docs/odbc-drivers.md) -----------------------------------------------------

#[test]
fn mariadb_driver() {
    let v = check1(
        "28000",
        1045,
        "[ma-3.1.15]Access denied for user 'app'@'127.0.0.1' (using password: YES)",
        Authentication,
    );
    assert_eq!(v.evidence.unwrap().1, "native 1045 access denied for user");
    check1(
        "28000",
        1045,
        "[ma-3.1.15]Access denied for user 'nobody'@'127.0.0.1' (using password: YES)",
        Authentication,
    );
    let v = check1(
        "42000",
        1044,
        "Access denied for user 'app'@'127.0.0.1' to database 'nosuchdb'",
        Permission,
    );
    assert!(v.hint.contains("may not exist"), "{}", v.hint);
    check1("42000", 1049, "Unknown database 'nosuchdb'", DatabaseNotFound);
    let v = check1("HY000", 2002, "Can't connect to server on '127.0.0.1' (115)", Refused);
    assert_eq!(v.evidence.unwrap().1, "native 2002 can't connect (errno 115)");
    check1("HY000", 2005, "Unknown server host 'nosuchhost.invalid' (-2)", Dns);
    check1(
        "08S01",
        2013,
        "Lost connection to server at 'handshake: reading initial communication packet', system error: 110",
        Timeout,
    );
    // [documented] TLS; a localised server message still decided by its number.
    check1(
        "HY000",
        2026,
        "[ma-3.1.15]SSL connection error: certificate verify failed",
        Tls,
    );
    check1(
        "HY000",
        2026,
        "TLS/SSL error: unable to get local issuer certificate",
        Tls,
    );
    check1(
        "28000",
        1045,
        "[ma-3.1.15]Zugriff verweigert für Benutzer 'app'@'127.0.0.1'",
        Authentication,
    );
}

// ----- MySQL Connector/ODBC [documented, not observed] --------------------------------------

#[test]
fn mysql_driver() {
    check1(
        "28000",
        1045,
        "[MySQL][ODBC 8.0(w) Driver]Access denied for user 'app'@'localhost' (using password: YES)",
        Authentication,
    );
    check1(
        "42000",
        1049,
        "[MySQL][ODBC 8.0(w) Driver]Unknown database 'nosuchdb'",
        DatabaseNotFound,
    );
    check1(
        "HY000",
        2003,
        "[MySQL][ODBC 8.0(w) Driver]Can't connect to MySQL server on '127.0.0.1:3306' (111)",
        Refused,
    );
    check1(
        "HY000",
        2005,
        "[MySQL][ODBC 8.0(w) Driver]Unknown MySQL server host 'nosuchhost.invalid' (-2)",
        Dns,
    );
    check1(
        "HY000",
        2013,
        "[MySQL][ODBC 8.0(w) Driver]Lost connection to MySQL server at 'reading initial communication packet', \
         system error: 110",
        Timeout,
    );
    // The server hung up (errno 0): not a timeout.
    let v = check1(
        "HY000",
        2013,
        "[MySQL][ODBC 8.0(w) Driver]Lost connection to MySQL server at 'reading initial communication packet', \
         system error: 0",
        Other,
    );
    assert_eq!(v.hint, hint::MYSQL_HANDSHAKE);
    check1(
        "HY000",
        2026,
        "[MySQL][ODBC 8.0(w) Driver]SSL connection error: error:00000000:lib(0)::reason(0)",
        Tls,
    );
    check1(
        "HY000",
        1130,
        "[MySQL][ODBC 8.0(w) Driver]Host '10.0.0.5' is not allowed to connect to this MySQL server",
        Permission,
    );
    check1(
        "HY000",
        2059,
        "[MySQL][ODBC 8.0(w) Driver]Authentication plugin 'caching_sha2_password' cannot be loaded",
        Other,
    );
}

// ----- FreeTDS (docs/odbc-drivers.md): every record, in order ----------------------------------------------

#[test]
fn freetds_driver() {
    // closed port
    check(
        &[
            rec(
                "08S01",
                20009,
                "Unable to connect: Adaptive Server is unavailable or does not exist",
            ),
            rec("08001", 0, "Unable to connect to data source"),
        ],
        Refused,
        0,
    );
    // PostgreSQL port (non-TDS), Derby port, text-line listener
    let v = check(
        &[
            rec("08001", 0, "Unable to connect to data source"),
            rec("01000", 20017, "Unexpected EOF from the server"),
            rec("01000", 20002, "Adaptive Server connection failed"),
        ],
        Other,
        1,
    );
    assert!(
        v.hint
            .contains("the port answered but not with TDS (not a SQL Server?)"),
        "{}",
        v.hint
    );
    // same, without TDS_Version
    check(
        &[
            rec("08001", 0, "Unable to connect to data source"),
            rec("01000", 20017, "Unexpected EOF from the server"),
            rec("01000", 20002, "Adaptive Server connection failed"),
            rec("01000", 20002, "Adaptive Server connection failed"),
        ],
        Other,
        1,
    );
    // MariaDB port
    let v = check(
        &[
            rec("08001", 0, "Unable to connect to data source"),
            rec("01000", 20002, "Adaptive Server connection failed"),
        ],
        Other,
        1,
    );
    assert_eq!(v.hint, hint::TDS_LOGIN_FAILED);
    // unresolvable host
    check(
        &[
            rec("08001", 0, "Unable to connect to data source"),
            rec("01000", 20013, "Unknown host machine name."),
        ],
        Dns,
        1,
    );
    // silent listener, login timeout 5
    check(
        &[
            rec("HYT00", 0, "Timeout expired"),
            rec("08001", 0, "Unable to connect to data source"),
        ],
        Timeout,
        0,
    );
    // observed: the prefixed form odbc-api printed
    check(&[rec("HYT00", 0, "[FreeTDS][SQL Server]Timeout expired")], Timeout, 0);
    // [documented] server messages through FreeTDS
    check(
        &[
            rec(
                "42000",
                4060,
                "[FreeTDS][SQL Server]Cannot open database \"nosuchdb\" requested by the login. The login failed.",
            ),
            rec("28000", 18456, "[FreeTDS][SQL Server]Login failed for user 'sa'."),
        ],
        DatabaseNotFound,
        0,
    );
    check1(
        "28000",
        18456,
        "[FreeTDS][SQL Server]Login failed for user 'sa'.",
        Authentication,
    );
}

// ----- Microsoft ODBC Driver 17/18 [documented, not observed] -------------------------------

#[test]
fn microsoft_driver() {
    check1(
        "28000",
        18456,
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'.",
        Authentication,
    );
    // A localised server message: the number decides.
    check1(
        "28000",
        18456,
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Échec de l'ouverture de session",
        Authentication,
    );
    let v = check1(
        "28000",
        18488,
        "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'app'. Reason: The \
         password of the account must be changed.",
        Authentication,
    );
    assert_eq!(v.hint, hint::AUTH_EXPIRED);
    check(
        &[
            rec(
                "08001",
                -1,
                "[Microsoft][ODBC Driver 18 for SQL Server]SSL Provider: [error:0A000086:SSL routines::certificate \
                 verify failed:unable to get local issuer certificate]",
            ),
            rec(
                "08001",
                -1,
                "[Microsoft][ODBC Driver 18 for SQL Server]Client unable to establish connection. For solutions \
                 related to encryption errors, see https://go.microsoft.com/fwlink/?linkid=2226722",
            ),
        ],
        Tls,
        0,
    );
    check1(
        "08001",
        -2146893019,
        "[Microsoft][ODBC Driver 17 for SQL Server]SSL Provider: The certificate chain was issued by an authority \
         that is not trusted.",
        Tls,
    );
    // A closed port on Linux: HYT00 first, the cause second.
    let closed = [
        rec(
            "HYT00",
            0,
            "[Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired",
        ),
        rec(
            "08001",
            10057,
            "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2749",
        ),
        rec(
            "08001",
            10057,
            "[Microsoft][ODBC Driver 17 for SQL Server]A network-related or instance-specific error has occurred \
             while establishing a connection to SQL Server. Server is not found or not accessible. Check if \
             instance name is correct and if SQL Server is configured to allow remote connections. For more \
             information see SQL Server Books Online.",
        ),
    ];
    let v = check(&closed, Refused, 1);
    assert_eq!(
        v.evidence.unwrap().1,
        "TCP Provider error code 0x2749 (connection refused)"
    );
    // A silent server: HYT00 and 0x102 (WAIT_TIMEOUT).
    check(
        &[
            rec(
                "HYT00",
                0,
                "[Microsoft][ODBC Driver 17 for SQL Server]Login timeout expired",
            ),
            rec(
                "08001",
                258,
                "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x102",
            ),
            rec(
                "08001",
                258,
                "[Microsoft][ODBC Driver 17 for SQL Server]A network-related or instance-specific error",
            ),
        ],
        Timeout,
        1,
    );
    check1(
        "08001",
        258,
        "[Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: The wait operation timed out.\r\n",
        Timeout,
    );
    check1(
        "HYT00",
        0,
        "[Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired",
        Timeout,
    );
    check1(
        "08001",
        11001,
        "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2AF9",
        Dns,
    );
    let v = check1(
        "08001",
        10054,
        "[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: Error code 0x2746",
        Other,
    );
    assert_eq!(v.hint, hint::CONNECTION_RESET);
    check(
        &[
            rec(
                "42000",
                4060,
                "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Cannot open database \"nosuchdb\" \
                 requested by the login. The login failed.",
            ),
            rec(
                "28000",
                18456,
                "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'sa'.",
            ),
        ],
        DatabaseNotFound,
        0,
    );
}

// ----- psqlODBC (docs/odbc-drivers.md): always 08001/101 ------------------------------------------------------

#[test]
fn psqlodbc_driver() {
    check1(
        "08001",
        101,
        concat!(
            r#"connection to server at "127.0.0.1", port 55432 failed: "#,
            r#"FATAL:  password authentication failed for user "app""#,
        ),
        Authentication,
    );
    check1(
        "08001",
        101,
        concat!(
            r#"connection to server at "127.0.0.1", port 55432 failed: "#,
            r#"FATAL:  password authentication failed for user "nobody""#,
        ),
        Authentication,
    );
    check1(
        "08001",
        101,
        r#"... FATAL:  database "nosuchdb" does not exist"#,
        DatabaseNotFound,
    );
    check1(
        "08001",
        101,
        "... port 55499 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP \
         connections?",
        Refused,
    );
    check1(
        "08001",
        101,
        r#"could not translate host name "nosuchhost.invalid" to address: Name or service not known"#,
        Dns,
    );
    check1("08001", 101, "... port 54999 failed: timeout expired", Timeout);
    // [documented]
    check1(
        "08001",
        101,
        concat!(
            r#"connection to server at "127.0.0.1", port 55432 failed: "#,
            r#"FATAL:  no pg_hba.conf entry for host "10.0.0.5", user "app", database "appdb", SSL off"#,
        ),
        Permission,
    );
    check1(
        "08001",
        101,
        r#"connection to server at "127.0.0.1", port 55432 failed: FATAL:  role "nobody" does not exist"#,
        Authentication,
    );
    check1(
        "08001",
        101,
        "connection to server at \"db\", port 5432 failed: server does not support SSL, but SSL was required",
        Tls,
    );
}

// ----- SQLite (docs/odbc-drivers.md) -----------------------------------------------------------------------

#[test]
fn sqlite_driver() {
    check1("HY000", 14, "[SQLite]connect failed", DatabaseNotFound);
    let v = classify(Stage::Query, &[rec("HY000", 26, "[SQLite]file is not a database (26)")]);
    assert_eq!((v.class, v.hint.as_str()), (Other, hint::SQLITE_NOT_A_DATABASE));
}

// ----- IBM i Access ODBC [documented, not observed] ------------------------------------------

#[test]
fn ibm_i_access_driver() {
    check1(
        "28000",
        8002,
        "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=8002 - CWBSY0002 - Password for \
         user APP on system IBMI.EXAMPLE.COM is not correct, Password length = 10, Prompt Mode = Never, System IP \
         Address = 192.0.2.10",
        Authentication,
    );
    let v = check1(
        "28000",
        8003,
        "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=8003 - CWBSY0003 - Password for \
         user APP on system IBMI.EXAMPLE.COM is expired",
        Authentication,
    );
    assert_eq!(v.hint, hint::AUTH_EXPIRED);
    check1(
        "08S01",
        10060,
        "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=10060 - CWBCO1048 - A firewall \
         blockage or time-out occurred trying to connect to the IBM i",
        Refused,
    );
    check1(
        "08S01",
        11001,
        "[IBM][System i Access ODBC Driver]Communication link failure. comm rc=11001 - CWBCO1004 - Remote address \
         could not be resolved",
        Dns,
    );
    let v = check1(
        "08S01",
        10065,
        "[unixODBC][IBM][iSeries Access ODBC Driver]Communication link failure. comm rc=10065 - CWBCO1003 - \
         Sockets error, function  returned 10065, 10.81.0.1",
        Refused,
    );
    assert_eq!(v.hint, hint::NO_ROUTE);
    check1(
        "HYT00",
        30189,
        "[IBM][System i Access ODBC Driver]Connection login timed out.",
        Timeout,
    );
    check1(
        "08004",
        -114,
        "[IBM][System i Access ODBC Driver][DB2 for i5/OS]SQL0114 - Relational database TRAVELER not the same as \
         current server IBMI.",
        DatabaseNotFound,
    );
}

// ----- ordering across records -----------------------------------------------------------------

#[test]
fn priority_across_records() {
    // The driver cannot load: nothing else matters.
    check(
        &[
            rec("08001", 101, "... failed: Connection refused"),
            rec("01000", 0, "Can't open lib 'X' : file not found"),
        ],
        DriverMissing,
        1,
    );
    // DNS explains FreeTDS's catch-all 20009.
    check(
        &[
            rec(
                "08S01",
                20009,
                "Unable to connect: Adaptive Server is unavailable or does not exist",
            ),
            rec("01000", 20013, "Unknown host machine name."),
        ],
        Dns,
        1,
    );
    // 4060 then 18456, in either order: the database decides.
    let db = rec(
        "42000",
        4060,
        "Cannot open database \"x\" requested by the login. The login failed.",
    );
    let login = rec("28000", 18456, "Login failed for user 'sa'.");
    check(&[db.clone(), login.clone()], DatabaseNotFound, 0);
    check(&[login, db], DatabaseNotFound, 1);
    // A specific refusal beats a generic login timeout; a specific timeout beats a refusal.
    check(
        &[
            rec("HYT00", 0, "Login timeout expired"),
            rec("08001", 0, "TCP Provider: Error code 0x274D"),
        ],
        Refused,
        1,
    );
    check(
        &[
            sql30081("TCP/IP", "connect", "111"),
            sql30081("TCP/IP", "selectForRecvTimeout", "115"),
        ],
        Timeout,
        1,
    );
    // A protocol answer proves the port is open.
    check(
        &[
            rec("HYT00", 0, "Timeout expired"),
            rec("01000", 20017, "Unexpected EOF from the server"),
        ],
        Other,
        1,
    );
    // Equal ranks: the earliest record.
    check(
        &[
            rec("28000", 0, "Login failed for user 'a'."),
            rec("28000", 0, "Login failed for user 'b'."),
        ],
        Authentication,
        0,
    );
    // Nothing known: Other, first record.
    let v = check(
        &[
            rec("08001", 0, "Unable to connect to data source"),
            rec("01000", 0, "something"),
        ],
        Other,
        0,
    );
    assert_eq!(v.hint, hint::UNKNOWN);
    assert_eq!(v.evidence.unwrap().1, "SQLSTATE 08001, native 0: no known signal");
}

#[test]
fn generic_words_do_not_mislead() {
    // "timeout" inside a Db2 function name is not a timeout (covered above); "ssl" inside a word
    // is not TLS; "does not exist" in FreeTDS's 20009 is not a missing database.
    check1("08001", 0, "classless routing failure", Other);
    check1(
        "08S01",
        20009,
        "Unable to connect: Adaptive Server is unavailable or does not exist",
        Refused,
    );
    // MariaDB's 2013 text mentions a "handshake": still a timeout, not TLS.
    check1(
        "08S01",
        2013,
        "Lost connection to server at 'handshake: reading initial communication packet', system error: 110",
        Timeout,
    );
    // Case does not matter.
    check1("08001", 101, "COULD NOT TRANSLATE HOST NAME \"X\" TO ADDRESS", Dns);
}

#[test]
fn watchdog_and_empty() {
    let v = classify(Stage::Watchdog, &[]);
    assert_eq!((v.class, v.evidence.as_ref()), (Timeout, None));
    assert!(v.hint.contains("timeout="), "{}", v.hint);
    // Whatever the records, the watchdog decided.
    let v = classify(Stage::Watchdog, &[rec("28000", 1045, "Access denied for user 'a'@'h'")]);
    assert_eq!(v.class, Timeout);
    for stage in [Stage::Connect, Stage::Query] {
        let v = classify(stage, &[]);
        assert_eq!((v.class, v.evidence.as_ref()), (Other, None));
        assert_eq!(v.hint, hint::NO_RECORDS);
    }
}

#[test]
fn hints_and_descriptions() {
    for h in hint::ALL {
        assert!(!h.is_empty());
        let l = h.to_ascii_lowercase();
        assert!(!l.contains("pwd="), "{h}");
        assert!(!l.contains("password="), "{h}");
        assert!(!h.contains("  "), "double blank in {h:?}");
    }
    for c in FailureClass::ALL {
        let name = serde_json::to_value(c).unwrap();
        let d = c.describe();
        assert!(d.starts_with(&format!("{}: ", name.as_str().unwrap())), "{d}");
    }
}

fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("reason \"".to_string()),
        Just("error code(s): \"".to_string()),
        Just("function detecting the error: \"".to_string()),
        Just("error code 0x".to_string()),
        Just("comm rc=".to_string()),
        Just("system error:".to_string()),
        Just("SQL30082N".to_string()),
        Just("SQL30081N".to_string()),
        Just("CWBCO1003".to_string()),
        Just("Lost connection to".to_string()),
        Just("Can't connect to".to_string()),
        Just("(".to_string()),
        Just("\"".to_string()),
        Just("-".to_string()),
        "[0-9a-fA-F]{0,12}",
        Just("İ".to_string()),
    ]
}

fn message() -> impl Strategy<Value = String> {
    proptest::collection::vec(fragment(), 0..8).prop_map(|v| v.concat())
}

fn stage() -> impl Strategy<Value = Stage> {
    prop_oneof![
        Just(Stage::Environment),
        Just(Stage::Connect),
        Just(Stage::Query),
        Just(Stage::Watchdog)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics(
        stage in stage(),
        records in proptest::collection::vec(
            (prop_oneof![any::<String>(), "[0-9A-Z]{5}"], any::<i32>(), message()),
            0..5,
        ),
    ) {
        let records: Vec<DiagRecord> =
            records.into_iter().map(|(state, native, message)| DiagRecord { state, native, message }).collect();
        let v = classify(stage, &records);
        prop_assert!(!v.hint.is_empty());
        prop_assert!(!v.hint.to_ascii_lowercase().contains("pwd="));
        if let Some((i, what)) = &v.evidence {
            prop_assert!(*i < records.len());
            prop_assert!(!what.is_empty());
        }
    }
}

/// A standby answers, and says so: Db2 HADR's SQL1776N, SQL Server's mirror (954, followed by
/// 4060 and 18456) and availability-group secondary (976). Documented, not observed.
#[test]
fn a_standby_is_told_apart() {
    let v = check1(
        "08004",
        -1776,
        "[IBM][CLI Driver] SQL1776N  The command cannot be issued on an HADR database. Reason code = \"1\".",
        Other,
    );
    assert!(v.standby, "{v:?}");
    let v = check(
        &[
            rec(
                "42000",
                954,
                "[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]The database \"TRAVELER\" cannot be opened. It is acting as a mirror database.",
            ),
            rec(
                "42000",
                4060,
                "Cannot open database \"TRAVELER\" requested by the login. The login failed.",
            ),
            rec("28000", 18456, "Login failed for user 'LNTUSER'."),
        ],
        Other,
        0,
    );
    assert!(v.standby && v.hint.contains("standby"), "{v:?}");
    assert!(check1("42000", 976, "The target database, 'TRAVELER', is participating in an availability group and is currently not accessible for queries.", Other).standby);
    assert!(!check1("28000", 18456, "Login failed for user 'x'.", Authentication).standby);
}
