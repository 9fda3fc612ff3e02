package org.sockstack.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The services database of getservbyname, getservbyport and getaddrinfo's service names: lines
 * of "name port/proto alias... # comment", as in Windows' {@code drivers\etc\services} and
 * /etc/services. The file named by the system property {@value #LOCATION_PROPERTY} is read if it
 * is set and readable; otherwise a built-in table of well-known ports (IANA assignments) is used.
 */
final class Services {
    static final String LOCATION_PROPERTY = "sockstack.services";

    /** The built-in table, in the services-file format. */
    private static final String BUILT_IN = """
            echo 7/tcp
            echo 7/udp
            discard 9/tcp sink null
            discard 9/udp sink null
            daytime 13/tcp
            daytime 13/udp
            qotd 17/tcp quote
            chargen 19/tcp ttytst source
            chargen 19/udp ttytst source
            ftp-data 20/tcp
            ftp 21/tcp
            ssh 22/tcp
            telnet 23/tcp
            smtp 25/tcp mail
            time 37/tcp timserver
            time 37/udp timserver
            nicname 43/tcp whois
            domain 53/tcp
            domain 53/udp
            bootps 67/udp dhcps
            bootpc 68/udp dhcpc
            tftp 69/udp
            http 80/tcp www www-http
            kerberos 88/tcp krb5 kerberos-sec
            kerberos 88/udp krb5 kerberos-sec
            pop3 110/tcp
            sunrpc 111/tcp rpcbind portmap
            sunrpc 111/udp rpcbind portmap
            nntp 119/tcp usenet
            ntp 123/udp
            epmap 135/tcp loc-srv
            netbios-ns 137/udp nbname
            netbios-dgm 138/udp nbdatagram
            netbios-ssn 139/tcp nbsession
            imap 143/tcp imap4
            snmp 161/udp
            snmptrap 162/udp snmp-trap
            ldap 389/tcp
            https 443/tcp MCom
            https 443/udp MCom
            microsoft-ds 445/tcp
            syslog 514/udp
            printer 515/tcp spooler
            submission 587/tcp
            ldaps 636/tcp sldap
            imaps 993/tcp
            pop3s 995/tcp
            ms-sql-s 1433/tcp
            ms-wbt-server 3389/tcp
            """;

    private final List<ServEnt> entries;

    private Services(List<ServEnt> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The file of {@value #LOCATION_PROPERTY}, else the built-in table. */
    static Services load() {
        String p = System.getProperty(LOCATION_PROPERTY);
        if (p != null) {
            try {
                return parse(Files.readString(Path.of(p), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // unreadable: fall back to the built-in table
            }
        }
        return parse(BUILT_IN);
    }

    /** A table from services-file text; malformed lines are skipped. */
    static Services parse(String text) {
        List<ServEnt> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            int slash = f[1].indexOf('/');
            if (slash <= 0) {
                continue;
            }
            int port = Netnum.port(f[1].substring(0, slash));
            if (port < 0) {
                continue;
            }
            out.add(new ServEnt(f[0], Arrays.asList(f).subList(2, f.length), port,
                    f[1].substring(slash + 1).toLowerCase(Locale.ROOT)));
        }
        return new Services(out);
    }

    /** getservbyname: name or alias (any case), of {@code proto} ("tcp", "udp"; null: any). */
    ServEnt byName(String name, String proto) {
        for (ServEnt e : entries) {
            if ((proto == null || e.proto().equalsIgnoreCase(proto))
                    && (e.name().equalsIgnoreCase(name) || e.aliases().stream().anyMatch(name::equalsIgnoreCase))) {
                return e;
            }
        }
        return null;
    }

    /** getservbyport: {@code port} in host byte order. */
    ServEnt byPort(int port, String proto) {
        for (ServEnt e : entries) {
            if (e.port() == port && (proto == null || e.proto().equalsIgnoreCase(proto))) {
                return e;
            }
        }
        return null;
    }
}
