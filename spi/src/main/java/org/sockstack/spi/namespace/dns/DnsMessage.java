package org.sockstack.spi.namespace.dns;

import org.sockstack.stack.wire.Parsed;
import org.sockstack.stack.wire.WireError;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A DNS message (RFC 1035 section 4.1), the parts a stub resolver needs: the header, one
 * question, and the answer and authority sections (A, AAAA, CNAME, PTR and SOA understood; other
 * types kept as bare records). The additional section is not read.
 *
 * <pre>
 *                                  1  1  1  1  1  1
 *    0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                    QDCOUNT                    |
 *  |                    ANCOUNT                    |
 *  |                    NSCOUNT                    |
 *  |                    ARCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * </pre>
 *
 * {@link #parse} never throws: a short message, a length running past the end, a label over 63
 * octets, a name over 255 octets, a compression pointer that does not point backwards (which rules
 * out loops, RFC 1035 section 4.1.4) or an unknown label type is a {@link WireError}.
 *
 * @param id          the query identifier
 * @param flags       the second header word (QR, Opcode, AA, TC, RD, RA, Z, RCODE)
 * @param question    the (single) question; null when QDCOUNT is 0
 * @param answers     the answer section
 * @param authorities the authority section
 */
public record DnsMessage(int id, int flags, Question question, List<ResourceRecord> answers,
                         List<ResourceRecord> authorities) {
    public static final int HEADER_LENGTH = 12;
    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_SOA = 6;
    /** A domain name pointer (RFC 1035 section 3.3.12): what reverse lookups ask for. */
    public static final int TYPE_PTR = 12;
    public static final int TYPE_AAAA = 28;
    public static final int CLASS_IN = 1;

    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;
    public static final int FLAG_RA = 0x0080;

    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_REFUSED = 5;

    /** RFC 1035 section 2.3.4. */
    public static final int MAX_LABEL = 63;
    public static final int MAX_NAME = 255;
    /** More jumps than any honest message needs (each must go backwards anyway). */
    static final int MAX_POINTERS = 64;

    /** A question entry (RFC 1035 section 4.1.2). Names are kept without the trailing dot. */
    public record Question(String name, int type, int qclass) {
        /** Same question: names compare case-insensitively (RFC 1035 section 2.3.3). */
        public boolean matches(Question o) {
            return o != null && type == o.type && qclass == o.qclass && name.equalsIgnoreCase(o.name);
        }
    }

    /**
     * A resource record (RFC 1035 section 4.1.3) with its RDATA understood: {@code address} for A
     * (4 octets) and AAAA (16 octets, RFC 3596), {@code target} for CNAME and PTR (PTRDNAME, RFC
     * 1035 section 3.3.12), {@code soaMinimum} for SOA (RFC 2308 section 4). Other types keep
     * neither.
     */
    public record ResourceRecord(String name, int type, int rrClass, long ttl, byte[] address, String target,
                                 long soaMinimum) {
        public static ResourceRecord a(String name, long ttl, byte[] address) {
            return new ResourceRecord(name, address.length == 4 ? TYPE_A : TYPE_AAAA, CLASS_IN, ttl, address, null, 0);
        }

        public static ResourceRecord cname(String name, long ttl, String target) {
            return new ResourceRecord(name, TYPE_CNAME, CLASS_IN, ttl, null, target, 0);
        }

        /** A PTR record: {@code name} (a reverse name) points to {@code target}. */
        public static ResourceRecord ptr(String name, long ttl, String target) {
            return new ResourceRecord(name, TYPE_PTR, CLASS_IN, ttl, null, target, 0);
        }

        public static ResourceRecord soa(String zone, long ttl, long minimum) {
            return new ResourceRecord(zone, TYPE_SOA, CLASS_IN, ttl, null, null, minimum);
        }
    }

    public DnsMessage {
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
    }

    public boolean isResponse() {
        return (flags & FLAG_QR) != 0;
    }

    public int opcode() {
        return (flags >>> 11) & 0xF;
    }

    public boolean truncated() {
        return (flags & FLAG_TC) != 0;
    }

    public int rcode() {
        return flags & 0xF;
    }

    /** A standard query (Opcode 0) with RD set, for {@code name}. */
    public static DnsMessage query(int id, String name, int type) {
        return new DnsMessage(id, FLAG_RD, new Question(name, type, CLASS_IN), List.of(), List.of());
    }

    /** True if {@code name} can be sent: labels of 1..63 octets of printable ASCII, 255 octets in all. */
    public static boolean validName(String name) {
        if (name == null) {
            return false;
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return false;
        }
        int wire = 1;
        for (String label : n.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (c <= ' ' || c > '~') {
                    return false;
                }
            }
            wire += 1 + label.length();
        }
        return wire <= MAX_NAME;
    }

    // ------------------------------------------------------------------ emit

    /** The message in wire form, names uncompressed (what a stub resolver sends; tests use it for answers). */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        put16(out, id);
        put16(out, flags);
        put16(out, question == null ? 0 : 1);
        put16(out, answers.size());
        put16(out, authorities.size());
        put16(out, 0);
        if (question != null) {
            putName(out, question.name);
            put16(out, question.type);
            put16(out, question.qclass);
        }
        for (ResourceRecord r : answers) {
            putRecord(out, r);
        }
        for (ResourceRecord r : authorities) {
            putRecord(out, r);
        }
        return out.toByteArray();
    }

    private static void putRecord(ByteArrayOutputStream out, ResourceRecord r) {
        putName(out, r.name);
        put16(out, r.type);
        put16(out, r.rrClass);
        put32(out, r.ttl);
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        switch (r.type) {
            case TYPE_A, TYPE_AAAA -> rdata.writeBytes(r.address);
            case TYPE_CNAME, TYPE_PTR -> putName(rdata, r.target);
            case TYPE_SOA -> {
                putName(rdata, "ns." + r.name); // MNAME
                putName(rdata, "hostmaster." + r.name); // RNAME
                for (int i = 0; i < 4; i++) {
                    put32(rdata, 0); // SERIAL REFRESH RETRY EXPIRE
                }
                put32(rdata, r.soaMinimum);
            }
            default -> { }
        }
        put16(out, rdata.size());
        out.writeBytes(rdata.toByteArray());
    }

    private static void putName(ByteArrayOutputStream out, String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!n.isEmpty()) {
            for (String label : n.split("\\.")) {
                byte[] b = label.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
    }

    private static void put16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void put32(ByteArrayOutputStream out, long v) {
        put16(out, (int) (v >>> 16) & 0xFFFF);
        put16(out, (int) v & 0xFFFF);
    }

    // ------------------------------------------------------------------ parse

    /** Parses {@code msg[0..length)}; never throws. */
    public static Parsed<DnsMessage> parse(byte[] msg, int length) {
        Reader r = new Reader(msg, Math.min(length, msg.length));
        if (r.end < HEADER_LENGTH) {
            return Parsed.fail(WireError.TRUNCATED);
        }
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        r.u16(); // ARCOUNT: the additional section is not read
        if (qd > 1) {
            return Parsed.fail(WireError.UNSUPPORTED); // no server sends more than one (RFC 9619)
        }
        Question q = null;
        if (qd == 1) {
            String name = r.name();
            int type = r.u16();
            int qclass = r.u16();
            if (r.error != WireError.OK) {
                return Parsed.fail(r.error);
            }
            q = new Question(name, type, qclass);
        }
        List<ResourceRecord> answers = r.records(an);
        List<ResourceRecord> authorities = r.records(ns);
        if (r.error != WireError.OK) {
            return Parsed.fail(r.error);
        }
        return Parsed.ok(new DnsMessage(id, flags, q, answers, authorities));
    }

    /** A cursor over the message; the first error sticks and every later read returns 0 / null. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;
        WireError error = WireError.OK;

        Reader(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        boolean fail(WireError e) {
            if (error == WireError.OK) {
                error = e;
            }
            return false;
        }

        boolean need(int n) {
            return error == WireError.OK && (pos + n <= end || fail(WireError.TRUNCATED));
        }

        int u8() {
            return need(1) ? b[pos++] & 0xFF : 0;
        }

        int u16() {
            if (!need(2)) {
                return 0;
            }
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        long u32() {
            return ((long) u16() << 16) | u16();
        }

        /**
         * A domain name at the cursor (RFC 1035 section 4.1.4): labels, ended by a zero octet or
         * by a pointer. Every pointer must go strictly backwards from the label it replaces, so a
         * chain of them ends; their number is bounded too.
         */
        String name() {
            StringBuilder sb = new StringBuilder();
            int p = pos;
            int resume = -1; // where the cursor continues after the first pointer
            int wire = 1;
            int jumps = 0;
            while (true) {
                if (p >= end) {
                    fail(WireError.TRUNCATED);
                    return null;
                }
                int len = b[p] & 0xFF;
                if ((len & 0xC0) == 0xC0) {
                    if (p + 1 >= end) {
                        fail(WireError.TRUNCATED);
                        return null;
                    }
                    int target = ((len & 0x3F) << 8) | (b[p + 1] & 0xFF);
                    if (target >= p || ++jumps > MAX_POINTERS) {
                        fail(WireError.BAD_FIELD); // a loop or a forward reference
                        return null;
                    }
                    if (resume < 0) {
                        resume = p + 2;
                    }
                    p = target;
                    continue;
                }
                if ((len & 0xC0) != 0) {
                    fail(WireError.UNSUPPORTED); // 01 and 10 label types (RFC 6891 section 5)
                    return null;
                }
                if (len == 0) {
                    pos = resume >= 0 ? resume : p + 1;
                    return sb.toString();
                }
                wire += 1 + len;
                if (wire > MAX_NAME) {
                    fail(WireError.BAD_LENGTH);
                    return null;
                }
                if (p + 1 + len > end) {
                    fail(WireError.TRUNCATED);
                    return null;
                }
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                for (int i = p + 1; i <= p + len; i++) {
                    int c = b[i] & 0xFF;
                    if (c <= ' ' || c > '~' || c == '.') {
                        fail(WireError.BAD_FIELD); // not a host name we could hand out as text
                        return null;
                    }
                    sb.append((char) c);
                }
                p += 1 + len;
            }
        }

        List<ResourceRecord> records(int count) {
            List<ResourceRecord> out = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count && error == WireError.OK; i++) {
                ResourceRecord rr = record();
                if (rr != null) {
                    out.add(rr);
                }
            }
            return out;
        }

        ResourceRecord record() {
            String name = name();
            int type = u16();
            int rrClass = u16();
            long ttl = u32();
            int rdLength = u16();
            if (!need(rdLength)) {
                return null;
            }
            int rdEnd = pos + rdLength;
            // RFC 2181 section 8: a TTL with the top bit set is read as zero.
            if (ttl > Integer.MAX_VALUE) {
                ttl = 0;
            }
            ResourceRecord rr = switch (type) {
                case TYPE_A, TYPE_AAAA -> address(name, type, rrClass, ttl, rdLength);
                case TYPE_CNAME, TYPE_PTR -> {
                    // RFC 1035 sections 3.3.1 and 3.3.12: the RDATA is one (possibly compressed) name.
                    String target = name();
                    yield target == null ? null : new ResourceRecord(name, type, rrClass, ttl, null, target, 0);
                }
                case TYPE_SOA -> {
                    name(); // MNAME
                    name(); // RNAME
                    for (int i = 0; i < 4; i++) {
                        u32(); // SERIAL REFRESH RETRY EXPIRE
                    }
                    long minimum = u32();
                    yield error != WireError.OK ? null : new ResourceRecord(name, type, rrClass, ttl, null, null,
                            minimum > Integer.MAX_VALUE ? 0 : minimum);
                }
                default -> new ResourceRecord(name, type, rrClass, ttl, null, null, 0);
            };
            if (error == WireError.OK && (type == TYPE_CNAME || type == TYPE_PTR || type == TYPE_SOA)
                    && pos != rdEnd) {
                fail(WireError.BAD_LENGTH); // RDLENGTH disagrees with the RDATA it frames
                return null;
            }
            pos = rdEnd;
            return error == WireError.OK ? rr : null;
        }

        ResourceRecord address(String name, int type, int rrClass, long ttl, int rdLength) {
            int want = type == TYPE_A ? 4 : 16;
            if (rdLength != want) {
                fail(WireError.BAD_LENGTH);
                return null;
            }
            byte[] a = new byte[want];
            System.arraycopy(b, pos, a, 0, want);
            return new ResourceRecord(name, type, rrClass, ttl, a, null, 0);
        }
    }

    /** Lower-case form of a name, the cache key (RFC 1035 section 2.3.3: case-insensitive). */
    static String key(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }
}
