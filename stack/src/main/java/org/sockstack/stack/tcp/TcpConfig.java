package org.sockstack.stack.tcp;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a stack's TCP. Times are nanoseconds. The defaults follow Linux where the RFCs
 * leave room, and say so.
 *
 * @param msl                 Maximum Segment Lifetime; TIME_WAIT lasts 2*MSL (RFC 9293 3.4.2).
 *                            Default 30 s, so TIME_WAIT is Linux's 60 s.
 * @param rtoInitial          RTO before any RTT sample (RFC 6298 2.1: 1 s)
 * @param rtoMin              lower bound of the RTO (RFC 6298 2.4 says 1 s; Linux uses 200 ms, the default)
 * @param rtoMax              upper bound of the RTO (RFC 6298 2.5 allows a maximum of at least 60 s; 120 s like Linux)
 * @param synRetries          retransmissions of a SYN or SYN-ACK before giving up (Linux tcp_syn_retries 6)
 * @param dataRetries         retransmissions of data/FIN before the connection times out (Linux tcp_retries2 15)
 * @param delayedAck          delayed-ACK timeout (RFC 9293 3.8.6.3 and RFC 5681 4.2: at most 500 ms,
 *                            SHOULD be below 200 ms); default 40 ms, Linux's minimum delayed-ACK time
 * @param challengeAckLimit   challenge ACKs per second for the whole stack (RFC 5961 section 7; Linux 1000)
 * @param sendBuffer          default send buffer per connection (octets)
 * @param receiveBuffer       default receive buffer per connection (octets); also what the window
 *                            scale offered on a SYN is sized for (RFC 7323 2.2)
 * @param maxBuffer           the largest buffer a socket option may ask for
 * @param windowScaling       offer the Window Scale option (RFC 7323 section 2)
 * @param timestamps          offer the Timestamps option (RFC 7323 section 3)
 * @param sack                offer SACK-permitted (RFC 2018 section 2)
 * @param initialWindow       initial congestion window in segments (RFC 6928: 10)
 * @param maxReassemblyBlocks bound on the out-of-order ranges kept per connection
 * @param finWait2Timeout     how long an orphaned (closed by the application) connection may sit in
 *                            FIN_WAIT_2 (Linux tcp_fin_timeout 60 s)
 * @param ephemeralLow        first ephemeral port (Linux ip_local_port_range 32768)
 * @param ephemeralHigh       last ephemeral port (Linux 60999)
 * @param ttl                 IP TTL of our segments
 * @param syncookies          answer SYNs with SYN cookies when a listener's SYN queue is full
 *                            (RFC 4987 section 3.6; Linux tcp_syncookies=1)
 * @param receiveAutotuning   grow receive buffers (and the window) toward {@code maxBuffer} when the
 *                            application keeps up (like Linux tcp_moderate_rcvbuf)
 * @param congestionControl   the congestion control of new connections (DESIGN rule 9); CUBIC
 *                            (RFC 9438) by default, like Linux; see {@link #withCongestionControl(String)}
 */
public record TcpConfig(long msl, long rtoInitial, long rtoMin, long rtoMax, int synRetries, int dataRetries,
                        long delayedAck, int challengeAckLimit, int sendBuffer, int receiveBuffer, int maxBuffer,
                        boolean windowScaling, boolean timestamps, boolean sack, int initialWindow,
                        int maxReassemblyBlocks, long finWait2Timeout, int ephemeralLow, int ephemeralHigh, int ttl,
                        CongestionControl.Factory congestionControl, boolean syncookies, boolean receiveAutotuning) {

    public static final TcpConfig DEFAULT = new TcpConfig(
            TimeUnit.SECONDS.toNanos(30), TimeUnit.SECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(200),
            TimeUnit.SECONDS.toNanos(120), 6, 15, TimeUnit.MILLISECONDS.toNanos(40), 1000,
            256 * 1024, 256 * 1024, 16 * 1024 * 1024, true, true, true, 10, 64,
            TimeUnit.SECONDS.toNanos(60), 32768, 60999, 64, Cubic::new, true, true);

    public TcpConfig {
        Objects.requireNonNull(congestionControl);
        if (rtoMin <= 0 || rtoMin > rtoMax || rtoInitial < rtoMin || rtoInitial > rtoMax) {
            throw new IllegalArgumentException("RTO bounds");
        }
        if (sendBuffer < 1 || receiveBuffer < 1 || sendBuffer > maxBuffer || receiveBuffer > maxBuffer) {
            throw new IllegalArgumentException("buffer sizes");
        }
        if (ephemeralLow < 1 || ephemeralHigh > 0xFFFF || ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("ephemeral port range");
        }
        if (initialWindow < 1 || maxReassemblyBlocks < 1 || synRetries < 0 || dataRetries < 0) {
            throw new IllegalArgumentException("bad count");
        }
    }

    public TcpConfig withMsl(long nanos) {
        return new TcpConfig(nanos, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withRto(long initial, long min, long max) {
        return new TcpConfig(msl, initial, min, max, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withRetries(int syn, int data) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, syn, data, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withDelayedAck(long nanos) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, nanos, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withChallengeAckLimit(int perSecond) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, perSecond,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withBuffers(int send, int receive) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                send, receive, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    /** Which options a SYN offers (RFC 7323 window scale and timestamps, RFC 2018 SACK-permitted). */
    public TcpConfig withOptions(boolean windowScaling, boolean timestamps, boolean sack) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies, receiveAutotuning);
    }

    public TcpConfig withSyncookies(boolean on) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, on,
                receiveAutotuning);
    }

    public TcpConfig withReceiveAutotuning(boolean on) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, congestionControl, syncookies,
                on);
    }

    /** The congestion control by name: {@code "cubic"} or {@code "newreno"} ({@link CongestionControl#named}). */
    public TcpConfig withCongestionControl(String name) {
        CongestionControl.Factory f = CongestionControl.named(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown congestion control: " + name);
        }
        return withCongestionControl(f);
    }

    public TcpConfig withCongestionControl(CongestionControl.Factory factory) {
        return new TcpConfig(msl, rtoInitial, rtoMin, rtoMax, synRetries, dataRetries, delayedAck, challengeAckLimit,
                sendBuffer, receiveBuffer, maxBuffer, windowScaling, timestamps, sack, initialWindow,
                maxReassemblyBlocks, finWait2Timeout, ephemeralLow, ephemeralHigh, ttl, factory, syncookies, receiveAutotuning);
    }
}
