use super::*;
use crate::jdbc::parse;

fn tr(url: &str, family: DriverFamily, driver: &str, pw: &str) -> Translation {
    let a = parse(url);
    let u = a.url.as_ref().unwrap();
    let pw = Secret::new(pw.to_string());
    translate(
        u,
        &OdbcRequest {
            driver,
            family,
            user: Some("LNTUSER"),
            password: Some(&pw),
            timeout_secs: 10,
            ca_file: None,
        },
    )
    .unwrap()
}

#[test]
fn db2_cli() {
    let t = tr(
        "jdbc:db2://db2.example.com:50000/TRAVELER",
        DriverFamily::Db2Cli,
        "DB2",
        "p;w}d",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={DB2};Database=TRAVELER;Hostname=db2.example.com;Port=50000;Protocol=TCPIP;Uid=LNTUSER;Pwd={p;w}}d};Authentication=SERVER;ConnectTimeout=10;"
    );
    assert_eq!(
        t.display,
        "Driver={DB2};Database=TRAVELER;Hostname=db2.example.com;Port=50000;Protocol=TCPIP;Uid=LNTUSER;Pwd=*****;Authentication=SERVER;ConnectTimeout=10;"
    );
}

#[test]
fn wants_tls_follows_each_driver() {
    let w = |u: &str| wants_tls(parse(u).url.as_ref().unwrap());
    assert!(w("jdbc:db2://h:50001/T:sslConnection=true;"));
    assert!(!w("jdbc:db2://h:50000/T"));
    assert!(w("jdbc:as400://h;secure=true"));
    assert!(!w("jdbc:as400://h"));
    assert!(w("jdbc:sqlserver://h;databaseName=T"));
    assert!(!w("jdbc:sqlserver://h;databaseName=T;encrypt=false"));
    assert!(w("jdbc:mysql://h/T?sslMode=VERIFY_CA"));
    assert!(w("jdbc:mysql://h/T?useSSL=true"));
    assert!(!w("jdbc:mysql://h/T?sslMode=PREFERRED"));
    assert!(!w("jdbc:mysql://h/T"));
    assert!(!w("jdbc:derby://h:1527/T"));
}

#[test]
fn db2_cli_tls_default_port_and_no_duplicate_password() {
    // The URL's own password must not produce a second Pwd= next to the stored one.
    let t = tr(
        "jdbc:db2://[2001:db8::5]/TRAVELER:sslConnection=true;password=inurl;currentSchema=LNT;securityMechanism=9;",
        DriverFamily::Db2Cli,
        "IBM DB2 ODBC DRIVER",
        "stored",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={IBM DB2 ODBC DRIVER};Database=TRAVELER;Hostname=2001:db8::5;Port=446;Protocol=TCPIP;Uid=LNTUSER;Pwd=stored;Authentication=SERVER_ENCRYPT;ConnectTimeout=10;Security=SSL;CurrentSchema=LNT;"
    );
}

#[test]
fn derby_network_through_db2_cli() {
    let t = tr(
        "jdbc:derby://127.0.0.1:1527/traveler",
        DriverFamily::Db2Cli,
        "DB2",
        "app",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={DB2};Database=traveler;Hostname=127.0.0.1;Port=1527;Protocol=TCPIP;Uid=LNTUSER;Pwd=app;Authentication=SERVER;ConnectTimeout=10;"
    );
    assert_eq!(t.notes.len(), 1);
    let a = parse("jdbc:derby:/local/notesdata/traveler/ntsdb");
    let pw = Secret::from("x");
    let r = translate(
        a.url.as_ref().unwrap(),
        &OdbcRequest {
            driver: "DB2",
            family: DriverFamily::Db2Cli,
            user: None,
            password: Some(&pw),
            timeout_secs: 0,
            ca_file: None,
        },
    );
    assert_eq!(r.err(), Some(TranslateError::EmbeddedDerby));
}

#[test]
fn ibmi_access() {
    let t = tr(
        "jdbc:as400://ibmi.example.com/TRAVELER;database name=IASP1;naming=system;libraries=LNT,*LIBL;transaction isolation=read committed;secure=true",
        DriverFamily::IbmiAccess,
        "IBM i Access ODBC Driver",
        "pw=1",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={IBM i Access ODBC Driver};System=ibmi.example.com;UID=LNTUSER;PWD=pw=1;DATABASE=IASP1;DBQ=TRAVELER,LNT,*USRLIBL;NAM=1;CMT=1;SSL=1;"
    );
    let local = tr(
        "jdbc:as400://;database name=IASP1",
        DriverFamily::IbmiAccess,
        "IBM i Access ODBC Driver",
        "x",
    );
    assert!(
        local
            .display
            .starts_with("Driver={IBM i Access ODBC Driver};System=localhost;")
    );
}

#[test]
fn ms_odbc_17_and_18_differ() {
    let url = "jdbc:sqlserver://sql.example.com\\INST:1433;databaseName=TRAVELER;trustServerCertificate=true";
    let t18 = tr(url, DriverFamily::MsOdbc18, "ODBC Driver 18 for SQL Server", "a b ");
    assert_eq!(
        t18.connection_string.expose(),
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql.example.com,1433;Database=TRAVELER;UID=LNTUSER;PWD={a b };Encrypt=Mandatory;TrustServerCertificate=yes;ConnectTimeout=10;"
    );
    let t17 = tr(
        "jdbc:sqlserver://sql.example.com\\INST;databaseName=TRAVELER;encrypt=false",
        DriverFamily::MsOdbc17,
        "ODBC Driver 17 for SQL Server",
        "x",
    );
    assert_eq!(
        t17.connection_string.expose(),
        "Driver={ODBC Driver 17 for SQL Server};Server=sql.example.com\\INST;Database=TRAVELER;UID=LNTUSER;PWD=x;Encrypt=no;"
    );
}

#[test]
fn freetds_server_syntax() {
    let t = tr(
        "jdbc:sqlserver://127.0.0.1:1433;databaseName=master",
        DriverFamily::FreeTds,
        "FreeTDS",
        "x",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={FreeTDS};Server=127.0.0.1;Port=1433;Database=master;UID=LNTUSER;PWD=x;TDS_Version=7.4;Encryption=require;"
    );
    let t = tr(
        "jdbc:sqlserver://sql\\INST;databaseName=T;encrypt=false",
        DriverFamily::FreeTds,
        "FreeTDS",
        "x",
    );
    assert_eq!(
        t.connection_string.expose(),
        "Driver={FreeTDS};Server=sql\\INST;Database=T;UID=LNTUSER;PWD=x;TDS_Version=7.4;Encryption=off;"
    );
}

#[test]
fn mysql_and_mariadb() {
    let url = "jdbc:mysql://127.0.0.1:53306/appdb?sslMode=VERIFY_CA";
    let m = tr(url, DriverFamily::MySqlOdbc, "MySQL ODBC 8.0 Unicode Driver", "x");
    assert_eq!(
        m.connection_string.expose(),
        "Driver={MySQL ODBC 8.0 Unicode Driver};SERVER=127.0.0.1;PORT=53306;DATABASE=appdb;UID=LNTUSER;PWD=x;SSLMODE=VERIFY_CA;"
    );
    let ma = tr(url, DriverFamily::MariaDbOdbc, "MariaDB Unicode", "}{");
    assert_eq!(
        ma.connection_string.expose(),
        "Driver={MariaDB Unicode};SERVER=127.0.0.1;PORT=53306;DATABASE=appdb;UID=LNTUSER;PWD={}}{};CONN_TIMEOUT=10;FORCETLS=1;SSLVERIFY=1;"
    );
    let multi = tr("jdbc:mysql://h1,h2:3307/appdb", DriverFamily::MySqlOdbc, "MySQL", "x");
    assert!(
        multi.display.contains("SERVER=h1:3306,h2:3307;MULTI_HOST=1;"),
        "{}",
        multi.display
    );
}

#[test]
fn family_mismatch_and_driver_detection() {
    let a = parse("jdbc:mysql://h/db");
    let r = translate(
        a.url.as_ref().unwrap(),
        &OdbcRequest {
            driver: "DB2",
            family: DriverFamily::Db2Cli,
            user: None,
            password: None,
            timeout_secs: 0,
            ca_file: None,
        },
    );
    assert!(matches!(r, Err(TranslateError::FamilyMismatch { .. })));
    assert_eq!(
        DriverFamily::from_driver("MariaDB Unicode", None),
        Some(DriverFamily::MariaDbOdbc)
    );
    assert_eq!(
        DriverFamily::from_driver("X", Some("/opt/clidriver/lib/libdb2.so")),
        Some(DriverFamily::Db2Cli)
    );
    assert_eq!(
        DriverFamily::from_driver("ODBC Driver 18 for SQL Server", None),
        Some(DriverFamily::MsOdbc18)
    );
    assert_eq!(DriverFamily::from_driver("PostgreSQL Unicode", None), None);
}

#[test]
fn escaping() {
    assert_eq!(escape_value("plain"), "plain");
    assert_eq!(escape_value("a;b"), "{a;b}");
    assert_eq!(escape_value("a}b"), "{a}}b}");
    assert_eq!(escape_value(" lead"), "{ lead}");
    assert_eq!(escape_value("x=y"), "x=y");
    assert_eq!(escape_value("a+b"), "{a+b}");
    assert_eq!(escape_value(""), "");
}
