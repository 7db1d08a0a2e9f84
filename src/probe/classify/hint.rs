//! The hints: fixed texts, so nothing from a record or a connection string can leak.

macro_rules! hints {
    ($($name:ident = $text:expr;)*) => {
        $(pub const $name: &str = $text;)*
        #[cfg(test)]
        pub const ALL: &[&str] = &[$($name),*];
    };
}

hints! {
    WATCHDOG = "the driver got no answer within the time limit and the attempt was stopped: the server \
        accepted the TCP connection but did not answer (or the driver hung). Check that the port in the URL \
        (`travelerUtil db show`) is the database's own port and not a TLS or other service port, and raise \
        timeout= if the server is just slow";
    NO_RECORDS = "the driver reported the failure without any diagnostic record: enable unixODBC tracing \
        (Trace=Yes and TraceFile= in the [ODBC] section of odbcinst.ini, in the ODBCSYSINI directory) and \
        retry to see the driver's calls";
    UNKNOWN = "the driver's records name no cause travelerUtil knows: read the SQLSTATE, native code and \
        message of each record and look them up in the driver's documentation";
    DRIVER_MANAGER = "the ODBC driver manager could not set up an environment: check that unixODBC is \
        installed and loadable (`odbcinst -j` prints its version and configuration files)";
    DRIVER_MANAGER_OLD = "the ODBC driver manager rejected the ODBC version travelerUtil asks for: upgrade \
        unixODBC (2.3.1 or later; `odbcinst -j` prints the installed version)";
    DRIVER_NOT_FOUND = "the ODBC driver is not installed, or its name is not registered (unixODBC then \
        tries the name as a library path): list the registered drivers with `odbcinst -q -d`, check the \
        Driver= path in odbcinst.ini (ODBCSYSINI selects its directory), and choose a listed driver with \
        `travelerUtil db set driver=NAME`";
    DRIVER_DEPENDENCY = "the driver library was found but a library it needs was not: run `ldd` on the \
        driver's .so file (`odbcinst -q -d -n NAME` shows its path); the IBM Db2 driver needs its \
        ibm_db.libs/ directory next to clidriver/, or LD_LIBRARY_PATH";
    DSN_NOT_FOUND = "no data source or driver of that name is registered: list drivers with `odbcinst -q \
        -d` and data sources with `odbcinst -q -s`, set ODBCSYSINI/ODBCINI if the files are not in /etc, \
        and choose a listed driver with `travelerUtil db set driver=NAME`";
    DRIVER_INIT = "the driver library could not be loaded or initialised: check its entry with `odbcinst \
        -q -d -n NAME` and its libraries with `ldd`; the IBM Db2 driver also needs write access to its \
        install directory (db2dump/, cfgcache/)";
    STANDBY = "the server answered that it is a standby (Db2 HADR standby, SQL Server mirror or \
        availability-group secondary): it is up but not the primary now. As a failover partner that is as \
        it should be; as the URL's primary it means the roles have switched, so check which server is \
        primary and whether every pool member still reaches it";
    DNS = "the database host name does not resolve: check the host in the URL (`travelerUtil db show`), \
        try `getent hosts HOST` on this machine, and correct the URL with `travelerUtil db set url=...`";
    REFUSED = "nothing accepted a TCP connection on the database host and port: check that the database \
        server is running and listening on the port in the URL (`travelerUtil db show`), and that no \
        firewall rejects the connection";
    NO_ROUTE = "there is no network route to the database host: check the host in the URL (`travelerUtil \
        db show`), this machine's routing, and firewalls on the way";
    CONNECT_TIMEOUT = "the TCP connection to the database port was not established in time: a firewall \
        is dropping the packets, or the host is down; check the host and port in the URL (`travelerUtil db \
        show`) and the firewalls on the way";
    DB2_CONNECT = "the TCP connection to the Db2 port was not established (the Db2 driver reports a closed \
        port this way when a connect timeout is set; a firewall dropping packets looks the same): check \
        that Db2 listens on the host and port in the URL (`travelerUtil db show`; on the server `db2 get \
        dbm cfg` shows SVCENAME) and that no firewall blocks it";
    TIMEOUT = "the server accepted the connection but did not finish the login within the time limit: \
        check that the port in the URL (`travelerUtil db show`) is the database's own port and not a TLS \
        or other service port, and that the server is not overloaded; raise timeout= if it is just slow";
    TIMEOUT_WEAK = "the login did not finish within the time limit: check that the host and port in the \
        URL (`travelerUtil db show`) are right and reachable from this machine, then raise timeout= if the \
        server is just slow";
    TLS = "the TLS handshake or the certificate check failed: check that the server's certificate is \
        issued by a CA this client trusts and for the host name in the URL, and that client and server \
        share a TLS version (`openssl s_client -connect HOST:PORT` shows the server's side)";
    DB2_TLS = "the Db2 driver's TLS (GSKit) handshake failed: check that the port is the server's SSL \
        port (SSL_SVCENAME) and that SSLServerCertificate names the PEM file of the CA that issued the \
        server certificate";
    CONNECTION_RESET = "the server reset the connection during the pre-login exchange: usually a TLS \
        version or cipher mismatch (an old server offering only TLS 1.0/1.1 against this machine's OpenSSL \
        policy); check with `openssl s_client -connect HOST:PORT` and the server's TLS settings";
    AUTH = "the server rejected the user name or password: store the right ones with `travelerUtil db set \
        user=NAME pw=-` (the password is read from stdin), and check that the account exists and is not \
        locked";
    AUTH_EXPIRED = "the password has expired: change it on the server (for Db2, the operating-system or \
        LDAP account of the user), then store the new one with `travelerUtil db set pw=-`";
    AUTH_MISSING = "the server received no user name or password: store them with `travelerUtil db set \
        user=NAME pw=-` (the password is read from stdin)";
    AUTH_LOCKED = "the account is revoked, disabled or restricted at the server (for Db2, the \
        operating-system or LDAP account): ask the server's administrator to enable it";
    DATABASE = "the database does not exist on the server: check the database name in the URL \
        (`travelerUtil db show`) and correct it with `travelerUtil db set url=...`";
    DB2_DATABASE = "the server does not know that database name: check the database in the URL \
        (`travelerUtil db show`; `db2 list db directory` on the server lists them). Derby names are \
        case-sensitive and the Db2 driver sends them upper-cased";
    SQLSERVER_DATABASE = "SQL Server could not open the database for this login: the database does not \
        exist, or the login has no user in it. Check the name in the URL (`travelerUtil db show`) and the \
        login's database mapping";
    MYSQL_DATABASE_DENIED = "access to the database was denied: the database may not exist, or the user \
        may not use it (MariaDB and MySQL report a missing database this way to users without global \
        privileges). Check the name in the URL (`travelerUtil db show`), then GRANT the user access to it";
    MYSQL_HOST_DENIED = "the server does not let this user connect from this machine: create the user for \
        this client host (CREATE USER 'name'@'host') and grant it access to the database";
    MYSQL_HOST_BLOCKED = "the server blocked this client host after too many failed connections: run \
        `mariadb-admin flush-hosts` (or `mysqladmin flush-hosts`) on the server, then find what failed";
    MYSQL_HANDSHAKE = "the server closed the connection during the handshake: the port may belong to \
        another service, or the server rejects this client host or requires TLS; check the port in the URL \
        (`travelerUtil db show`) and the server's error log";
    MYSQL_PLUGIN = "the server asks for an authentication plugin the driver cannot use: install the \
        driver's plugin, or give the user a plugin the driver supports (ALTER USER ... IDENTIFIED WITH \
        ...)";
    PERMISSION = "the user was authenticated but may not use the database: ask the database administrator \
        to grant it access (Db2: GRANT CONNECT ON DATABASE; SQL Server: a database user for the login; \
        PostgreSQL: GRANT CONNECT)";
    DB2_CONNECT_PRIVILEGE = "the user may not connect to this Db2 database: on the server, GRANT CONNECT \
        ON DATABASE TO USER name";
    PG_HBA = "PostgreSQL's pg_hba.conf has no entry that lets this host, user and database in: add one \
        on the server and reload it";
    DB2_MECHANISM = "the server does not accept the security mechanism the driver offered: connect with \
        Authentication=SERVER (JDBC securityMechanism=3, travelerUtil's default), or the mechanism the \
        server is configured for; Apache Derby only accepts SERVER";
    DB2_SECURITY = "Db2 security processing failed for a reason other than the user name or password: look \
        up the SQL30082N reason code in IBM's documentation and check the server's db2diag.log";
    DB2_PROTOCOL = "the server answered with a DRDA protocol error: the port may not be a Db2 server, or \
        the server rejects this client (stock Apache Derby accepts only its own client); check the port in \
        the URL (`travelerUtil db show`) and the server's log";
    DB2_DSN = "the IBM Db2 driver does not read unixODBC's odbc.ini: define the data source in \
        db2dsdriver.cfg or db2cli.ini (DB2CLIINIPATH selects the directory), or let travelerUtil connect \
        without a DSN";
    DB2_LICENSE = "connecting to Db2 for z/OS or IBM i through the IBM driver needs a Db2 Connect licence: \
        put the licence file in the driver's license/ directory, or activate the licence on the server";
    DB2_CLOSED = "the server closed the connection during the handshake: the port may belong to another \
        service, or the server expects TLS on it; check the port in the URL (`travelerUtil db show`)";
    IBMI_DISCONNECTED = "the IBM i host server closed the connection: check that the database host server \
        is running (STRHOSTSVR *DATABASE) and its job log";
    IBMI_RDB = "the IBM i does not know that relational database (RDB) name: check the database in the URL \
        (`travelerUtil db show`) against WRKRDBDIRE on the IBM i";
    TDS_NOT_SQLSERVER = "the port answered but not with TDS (not a SQL Server?): check the port in the URL \
        (`travelerUtil db show`); if it is a SQL Server, check its TLS settings and try another \
        TDS_Version";
    TDS_LOGIN_FAILED = "a TCP connection was made but the TDS login failed: the port may not be a SQL \
        Server (check it with `travelerUtil db show`), or the TDS version or TLS settings do not match the \
        server";
    SQLITE_OPEN = "SQLite could not open the database file: check that the file and its directory exist \
        and that this user may read and write them";
    SQLITE_NOT_A_DATABASE = "the file is not an SQLite database: check the database path in the settings \
        (`travelerUtil db show`)";
}
