package org.sockstack.stack.tcp;

import io.netty.buffer.ByteBuf;
import org.sockstack.stack.loop.Timer;
import org.sockstack.stack.socket.Endpoint;
import org.sockstack.stack.socket.SocketError;
import org.sockstack.stack.socket.SocketEvents;
import org.sockstack.stack.stats.TraceEvent;
import org.sockstack.stack.wire.TcpOptions;
import org.sockstack.stack.wire.TcpOptions.SackBlock;
import org.sockstack.stack.wire.TcpOptions.Timestamps;
import org.sockstack.stack.wire.TcpRepr;
import org.sockstack.stack.wire.TcpSegment;

import java.util.List;

/**
 * One connection's Transmission Control Block (RFC 9293 section 3.3.1) and its protocol: the
 * state machine and segment processing in the order of RFC 9293 section 3.10.7 ("SEGMENT
 * ARRIVES"), the user calls of section 3.10 (SEND, RECEIVE, CLOSE, ABORT), the send side
 * (segmentation, Nagle, sender SWS avoidance, retransmission per RFC 6298, persist timer,
 * congestion control per RFC 5681/6582 through {@link CongestionControl}) and the receive side
 * (receive buffer with out-of-order placement, receiver SWS avoidance, delayed ACKs, SACK blocks).
 *
 * <p>Send sequence space (RFC 9293 3.3.1):
 * <pre>
 *                1         2          3          4
 *           ----------|----------|----------|----------
 *                  SND.UNA    SND.NXT    SND.UNA
 *                                       +SND.WND
 *   1 - old sequence numbers that have been acknowledged
 *   2 - sequence numbers of unacknowledged data
 *   3 - sequence numbers allowed for new data transmission
 *   4 - future sequence numbers that are not yet allowed
 * </pre>
 * The retransmission queue is the send buffer itself: it holds every octet from SND.UNA on. After
 * a retransmission timeout SND.NXT goes back to SND.UNA ("go back N"), so the highest sequence
 * number ever sent is kept separately as {@code sndMax}; it is what the RFC's acceptability tests
 * call SND.NXT. With SACK, a {@link SackScoreboard} beside the send buffer records what the peer
 * holds, and RFC 6675 loss recovery ({@link #sackOutput}) chooses which holes to fill.
 *
 * <p>Receive sequence space: RCV.NXT, and the right edge of the window last advertised
 * ({@code rcvAdv} = RCV.NXT + RCV.WND at the time it was sent).
 */
final class TcpConnection {
    private static final int DEFAULT_MSS = 536;          // RFC 9293 3.7.1 / RFC 6691 when no MSS option
    private static final int TS_OPTION_SPACE = 12;       // NOP NOP TS(10), RFC 7323 appendix A layout
    private static final long PAWS_IDLE = 24L * 24 * 3600 * 1_000_000_000L;   // RFC 7323 5.5: 24 days
    private static final long THREE_SECONDS = 3_000_000_000L;
    private static final long MILLI = 1_000_000L;
    /** Bound on the SACK scoreboard's ranges (RFC 6675 scoreboard, DESIGN rule 6). */
    static final int MAX_SACK_SCOREBOARD = 64;

    // ---- identity
    private final Tcp tcp;
    private final TcpConfig cfg;
    final TcpSocket socket;
    private final TcpNetwork net;
    private final TcpPath path;
    private final Endpoint local;
    private final Endpoint remote;
    private final ConnKey key;
    /** The listener while this passive connection waits to be accepted; null otherwise. */
    TcpListener parent;
    /**
     * Accepted by the application in SYN_RECEIVED (a conditional listener's held request): losing
     * the handshake then is a reset the application sees, not a silent return to LISTEN.
     */
    boolean acceptedBeforeEstablished;
    private final boolean passive;
    TcpState state = TcpState.CLOSED;
    private boolean destroyed;
    /** ESTABLISHED was reached once: a connection that ends without it was a failed open. */
    boolean everEstablished;

    // ---- send sequence variables (RFC 9293 3.3.1)
    int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    /** RFC 6093: the sequence number of the octet following the urgent data we sent. */
    int sndUp;
    private boolean sndUpValid;
    /** Largest window the peer has offered (RFC 5961 5.2 MAX.SND.WND, sender SWS "Max(SND.WND)"). */
    int maxSndWnd;
    /** Sequence number of the first octet in the send buffer. */
    private int sndBufSeq;
    final ByteRing sndBuf;
    /** The application shut the send direction: a FIN follows the queued data. */
    boolean finQueued;

    // ---- receive sequence variables
    int irs;
    int rcvNxt;
    int rcvAdv;
    /** RFC 6093: the octet following the peer's urgent data; the urgent octet is RCV.UP - 1. */
    int rcvUp;
    /** An urgent octet at RCV.UP - 1 that the application has not read past yet. */
    private boolean rcvUrgValid;
    private boolean oobAvailable;
    private byte oobByte;
    final ByteRing rcvBuf;
    private final ReassemblyQueue ooo;
    boolean finReceived;
    private boolean oooFinValid;
    private int oooFinSeq;

    // ---- path MTU (RFC 1191) and ICMP soft errors (RFC 1122 4.2.3.9)
    /** The path MTU in force for this connection: starts at the route's, lowered by ICMP. */
    private int pmtu;
    /** The MSS of the super-frame {@link #output} is sending now (TSO); 0 for an ordinary segment. */
    private int tsoSegmentSize;
    /** The last soft error reported by ICMP, told to the application only if we time out. */
    private SocketError softError;

    // ---- options (RFC 9293 3.7.1, RFC 7323, RFC 2018)
    private final int ourMss;
    private int peerMss = DEFAULT_MSS;
    private int smss;
    /** Largest segment seen from the peer: "full-sized" for the delayed-ACK rule. */
    private int rcvMss = DEFAULT_MSS;
    private final int rcvWscaleOffer;
    int sndWscale;
    int rcvWscale;
    boolean wscaleOk;
    boolean sackOk;
    boolean tsOk;
    private int tsRecent;
    private long tsRecentAge;
    private boolean tsRecentValid;
    private int lastAckSent;
    private int tsOffset;
    /** The last TSval sent (see #tsVal), valid once one was. */
    private int lastTsSent;
    private boolean tsSentValid;

    // ---- retransmission and congestion control
    final RttEstimator rtt;
    final CongestionControl cc;
    private boolean rttTiming;
    private int rttSeq;
    private long rttStart;
    private boolean synRetransmitted;
    int retransmits;
    /** When the first retransmission of the current run happened (for R2 as a time). */
    private long firstRetransmitAt;
    long totalRetransmits;
    // Per-connection counters for SIO_TCP_INFO-style views (plain fields: nothing allocated).
    /** Data octets sent (retransmissions included) and retransmitted. */
    private long bytesOut;
    private long bytesRetransmitted;
    /** Data octets received in sequence (delivered to the receive buffer). */
    private long bytesIn;
    private long dupAcksIn;
    private int fastRetransmitCount;
    /** Retransmission-timeout episodes: runs of timeouts, each ended by new data being acknowledged. */
    private int timeoutEpisodes;
    private int synRetransmits;
    /** When the first segment of the connection went out (-1: not yet). */
    private long firstSegmentAt = -1;
    int dupAcks;
    boolean inRecovery;
    private int recover;
    private int persistBackoff;
    /** RFC 6675 scoreboard (used when SACK was negotiated). */
    final SackScoreboard scoreboard;
    /** RFC 6675 HighRxt: the end of the highest retransmitted range in this recovery. */
    private int highRxt;

    // ---- D-SACK (RFC 2883) and reordering
    /** A duplicate range to report as the first SACK block of the next ACK (receiver side). */
    private boolean dsackPending;
    private int dsackLeft;
    private int dsackRight;
    /** The range retransmitted in the current fast-recovery episode (sender side); see #onDsack. */
    private boolean rxtSpanValid;
    private int rxtSpanLeft;
    private int rxtSpanRight;
    /** Segments retransmitted in this episode, and how many of them came back D-SACKed. */
    private int episodeRetransmits;
    private int episodeDsacked;
    /** This episode already raised DupThresh: one spurious episode counts once. */
    private boolean reorderingCounted;
    /** Largest DupThresh reordering may raise it to. */
    private static final int MAX_DUP_THRESH = 32;
    /** DupThresh as reordering has taught it (RFC 6675's 3 until then). */
    private int dupThresh = SackScoreboard.DUP_THRESH;

    // ---- congestion window validation (RFC 7661, see #noteCwndUse)
    /** Whether cwnd, rather than the peer's window or the application, limited sending this period. */
    private boolean cwndLimited;
    /** The largest flight (octets) seen in this period. */
    private int maxFlight;
    /** The period ends when SND.UNA reaches this: about one round trip of data. */
    private int cwndUsageEnd;

    // ---- receive-buffer auto-tuning (see #autotune)
    private int rcvSpace;
    /** Octets the application read since {@link #rcvSpaceTime}. */
    private int rcvCopied;
    private long rcvSpaceTime = Long.MIN_VALUE;

    // ---- ACK generation
    private boolean ackNow;
    private int rcvdSinceAck;

    // ---- timers
    private final Timer rexmitTimer;
    private final Timer persistTimer;
    private final Timer delAckTimer;
    private final Timer waitTimer;   // TIME_WAIT (2*MSL) or orphaned FIN_WAIT_2
    private final Timer keepAliveTimer;
    /** When the peer last sent us an acceptable segment (keep-alive idleness). */
    private long lastHeard;
    private int keepAliveProbes;

    TcpConnection(Tcp tcp, TcpSocket socket, TcpNetwork net, TcpPath path, int localPort, Endpoint remote,
                  boolean passive) {
        this.tcp = tcp;
        this.cfg = tcp.config();
        this.socket = socket;
        this.net = net;
        this.path = path;
        this.local = new Endpoint(path.local(), localPort);
        this.remote = remote;
        this.key = new ConnKey(path.local(), localPort, remote.address(), remote.port());
        this.passive = passive;
        this.sndBuf = new ByteRing(socket.sendBufferSize());
        this.rcvBuf = new ByteRing(socket.receiveBufferSize());
        this.ooo = new ReassemblyQueue(cfg.maxReassemblyBlocks());
        this.pmtu = path.mtu();
        int mss = pmtu - net.ipHeaderLength() - TcpSegment.HEADER_LENGTH;
        if (socket.userMss() > 0) {
            mss = Math.min(mss, socket.userMss());
        }
        this.ourMss = Math.max(mss, 64);
        // With auto-tuning the buffer may grow to maxBuffer, so the scale offered must cover it
        // (RFC 7323 2.2: the shift is fixed at the SYN), as Linux sizes it from tcp_rmem[2].
        this.rcvWscaleOffer = offeredShift(socket, cfg);
        this.tsOffset = tcp.random().nextInt();
        this.rtt = new RttEstimator(cfg.rtoInitial(), cfg.rtoMin(), cfg.rtoMax());
        this.cc = cfg.congestionControl().create();
        this.scoreboard = new SackScoreboard(MAX_SACK_SCOREBOARD);
        this.rexmitTimer = tcp.timers().newTimer("tcp-rexmit", this::onRetransmitTimeout);
        this.persistTimer = tcp.timers().newTimer("tcp-persist", this::onPersistTimeout);
        this.delAckTimer = tcp.timers().newTimer("tcp-delack", this::onDelayedAckTimeout);
        this.waitTimer = tcp.timers().newTimer("tcp-wait", this::onWaitTimeout);
        this.keepAliveTimer = tcp.timers().newTimer("tcp-keepalive", this::onKeepAliveTimeout);
    }

    /** RFC 7323 2.3: the smallest shift that lets the whole buffer be advertised (at most 14). */
    static int offeredShift(TcpSocket socket, TcpConfig cfg) {
        return shiftFor(socket.receiveAutotuning()
                ? Math.max(cfg.maxBuffer(), socket.receiveBufferSize()) : socket.receiveBufferSize());
    }

    static int shiftFor(int buffer) {
        int s = 0;
        while (s < TcpOptions.MAX_WINDOW_SCALE && (buffer >> s) > 0xFFFF) {
            s++;
        }
        return s;
    }

    ConnKey key() {
        return key;
    }

    Endpoint local() {
        return local;
    }

    Endpoint remote() {
        return remote;
    }

    int sndMax() {
        return sndMax;
    }

    // =================================================================== opening

    /** RFC 9293 3.10.1 OPEN (active): choose the ISS, send SYN, enter SYN_SENT. */
    void activeOpen(long now) {
        initSend(tcp.isn(key, now));
        setState(TcpState.SYN_SENT, now);
        tcp.activeOpens.increment();
        sendSyn(now);
    }

    /** RFC 9293 3.10.7.2 step 3: a SYN reached a listener; answer with SYN,ACK in SYN_RECEIVED. */
    void passiveOpen(TcpRepr seg, boolean hasIsnFloor, int isnFloor, long now) {
        int isn = tcp.isn(key, now);
        if (hasIsnFloor && Seq.lt(isn, isnFloor)) {
            isn = isnFloor;
        }
        initSend(isn);
        irs = seg.seqNumber();
        rcvNxt = irs + 1;
        rcvAdv = rcvNxt;
        absorbSynOptions(seg, now);
        sndWnd = seg.window();      // RFC 7323 2.2: the window of a SYN is never scaled
        maxSndWnd = sndWnd;
        sndWl1 = seg.seqNumber();
        sndWl2 = iss;
        setState(TcpState.SYN_RECEIVED, now);
        tcp.passiveOpens.increment();
        sendSyn(now);
    }

    /**
     * RFC 4987 section 3.6: the ACK of a SYN cookie arrived at the listener. Rebuild the TCB that
     * SYN_RECEIVED would have had from what the cookie (and the echoed TSval) carried, then let
     * the ACK complete the handshake as usual.
     */
    void cookieOpen(TcpRepr ack, int cookieIss, int peerMss, int wscale, boolean sack, boolean ts, ByteBuf buf,
                    int dataOffset, long now) {
        initSend(cookieIss);
        sndNxt = cookieIss + 1;
        sndMax = sndNxt;
        irs = ack.seqNumber() - 1;
        rcvNxt = ack.seqNumber();
        rcvAdv = rcvNxt + Math.min(rcvBuf.free(), 0xFFFF);   // what the SYN,ACK advertised
        this.peerMss = peerMss;
        wscaleOk = cfg.windowScaling() && wscale >= 0;
        sndWscale = wscaleOk ? wscale : 0;
        rcvWscale = wscaleOk ? rcvWscaleOffer : 0;
        sackOk = cfg.sack() && sack;
        tsOk = ts;
        if (tsOk) {
            tsOffset = tcp.cookieTsOffset;   // our TSvals continue the SYN,ACK's clock (PAWS at the peer)
            tsRecent = ack.options().tsVal();
            tsRecentAge = now;
            tsRecentValid = true;
        }
        smss = maxData(tsOk ? TS_OPTION_SPACE : 0);
        rcvMss = Math.min(ourMss, DEFAULT_MSS);
        sndWl1 = irs;
        sndWl2 = iss;
        lastAckSent = rcvNxt;
        setState(TcpState.SYN_RECEIVED, now);
        tcp.passiveOpens.increment();
        otherwiseArrives(ack, buf, dataOffset, now);
    }

    private void initSend(int isn) {
        iss = isn;
        sndUna = isn;
        sndNxt = isn;
        sndMax = isn;
        sndBufSeq = isn + 1;
        recover = isn;
    }

    /**
     * Reads the options of the peer's SYN: MSS (RFC 9293 3.7.1, default 536 per RFC 6691), window
     * scale and timestamps (RFC 7323: used only when both SYNs carry them), SACK-permitted (RFC 2018).
     */
    private void absorbSynOptions(TcpRepr seg, long now) {
        TcpOptions o = seg.options();
        peerMss = o.mss() > 0 ? o.mss() : DEFAULT_MSS;
        wscaleOk = cfg.windowScaling() && o.windowScale() >= 0;
        sndWscale = wscaleOk ? o.windowScale() : 0;
        rcvWscale = wscaleOk ? rcvWscaleOffer : 0;
        sackOk = cfg.sack() && o.sackPermitted();
        tsOk = cfg.timestamps() && o.hasTimestamps();
        if (tsOk) {
            tsRecent = o.tsVal();
            tsRecentAge = now;
            tsRecentValid = true;
        }
        smss = maxData(tsOk ? TS_OPTION_SPACE : 0);
        rcvMss = Math.min(ourMss, DEFAULT_MSS);
    }

    /**
     * RFC 9293 3.7.1 / RFC 6691: data per segment = min(SendMSS + 20, MMS_S) - TCP header with
     * {@code optionLength} octets of options - IP options.
     */
    private int maxData(int optionLength) {
        int mmsS = pmtu - net.ipHeaderLength();
        int limit = Math.min(peerMss + TcpSegment.HEADER_LENGTH, mmsS) - TcpSegment.HEADER_LENGTH - optionLength;
        if (socket.userMss() > 0) {
            limit = Math.min(limit, socket.userMss());
        }
        return Math.max(limit, 1);
    }

    /**
     * The most data one segment handed to the device may carry: one MSS ({@code mss}), or with
     * TCP segmentation offload on the path a super-frame of up to 64 KiB (the largest IPv4
     * datagram or IPv6 payload) that the device cuts into {@code mss}-sized segments. Only the
     * frame count changes: the windows (cwnd, SND.WND) still limit the octets in flight.
     */
    private int maxBurst(int mss, int optionLength) {
        if (!path.segmentationOffload()) {
            return mss;
        }
        int limit = 0xFFFF - net.ipHeaderLength() - TcpSegment.HEADER_LENGTH - optionLength;
        if (net.version() == 6) {
            limit += net.ipHeaderLength();   // the IPv6 Payload Length excludes the fixed header
        }
        return Math.max(mss, limit - limit % mss);
    }

    /** Sends our SYN (SYN_SENT) or SYN,ACK (SYN_RECEIVED) with its options. */
    private void sendSyn(long now) {
        boolean synAck = state == TcpState.SYN_RECEIVED;
        TcpOptions opts;
        if (synAck) {
            opts = TcpOptions.syn(ourMss, wscaleOk ? rcvWscale : -1, sackOk,
                    tsOk ? new Timestamps(tsVal(now), tsRecent) : null);
        } else {
            opts = TcpOptions.syn(ourMss, cfg.windowScaling() ? rcvWscaleOffer : -1, cfg.sack(),
                    cfg.timestamps() ? new Timestamps(tsVal(now), 0) : null);
        }
        int flags = TcpSegment.SYN | (synAck ? TcpSegment.ACK : 0);
        if (!synRetransmitted && !rttTiming) {
            rttTiming = true;   // time the SYN (Karn: only if never retransmitted)
            rttSeq = iss;
            rttStart = now;
        }
        sendSegment(iss, flags, 0, opts, now);
        sndNxt = iss + 1;
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
        if (!rexmitTimer.isArmed()) {
            rexmitTimer.scheduleAfter(now, rtt.rto());
        }
    }

    // =================================================================== SEGMENT ARRIVES

    /**
     * RFC 9293 3.10.7.3 (SYN_SENT) and 3.10.7.4 (all other states).
     *
     * @return true if the segment is a new SYN that ends TIME_WAIT (the caller reopens)
     */
    boolean segmentArrives(TcpRepr seg, ByteBuf buf, int dataOffset, long now) {
        if (state == TcpState.SYN_SENT) {
            synSentArrives(seg, buf, dataOffset, now);
            return false;
        }
        if (state == TcpState.TIME_WAIT && seg.syn() && !seg.ack() && !seg.rst() && timeWaitAcceptsSyn(seg)) {
            return true;
        }
        otherwiseArrives(seg, buf, dataOffset, now);
        return false;
    }

    /**
     * RFC 9293 3.10.7.4 note / RFC 6191: a SYN may reopen a TIME_WAIT pair if its timestamp is newer
     * than TS.Recent (when both use timestamps) or else its sequence number is above RCV.NXT.
     */
    private boolean timeWaitAcceptsSyn(TcpRepr seg) {
        TcpOptions o = seg.options();
        if (tsOk && o.hasTimestamps()) {
            return Seq.gt(o.tsVal(), tsRecent);
        }
        return Seq.gt(seg.seqNumber(), rcvNxt);
    }

    /** RFC 9293 3.10.7.3: SYN_SENT. */
    private void synSentArrives(TcpRepr seg, ByteBuf buf, int dataOffset, long now) {
        int ack = seg.ackNumber();
        // First: check the ACK bit.
        if (seg.ack() && (Seq.le(ack, iss) || Seq.gt(ack, sndMax))) {
            tcp.drop("syn_sent_bad_ack", now);
            if (!seg.rst()) {
                sendReset(ack, now);   // <SEQ=SEG.ACK><CTL=RST>
            }
            return;
        }
        // Second: the RST bit. Acceptable only with an ACK of our SYN (RFC 5961 3.2 for SYN_SENT).
        if (seg.rst()) {
            if (seg.ack()) {
                tcp.attemptFails.increment();
                destroy(SocketError.CONNECTION_REFUSED, now);
            } else {
                tcp.drop("syn_sent_rst_without_ack", now);
            }
            return;
        }
        // Fourth: the SYN bit.
        if (!seg.syn()) {
            tcp.drop("syn_sent_no_syn", now);
            return;
        }
        irs = seg.seqNumber();
        rcvNxt = irs + 1;
        rcvAdv = rcvNxt + Math.min(rcvBuf.free(), 0xFFFF);
        absorbSynOptions(seg, now);
        if (seg.ack()) {
            // Our SYN is acknowledged: ESTABLISHED.
            rexmitTimer.cancel();
            TcpOptions o = seg.options();
            if (tsOk && o.tsEcr() != 0) {
                rtt.sample(Math.max(tsNow(now) - o.tsEcr(), 1) * MILLI);
            } else if (!synRetransmitted && rttTiming) {
                rtt.sample(now - rttStart);
            }
            rttTiming = false;
            sndUna = ack;
            sndWnd = seg.window();   // the SYN,ACK window is not scaled (RFC 7323 2.2)
            maxSndWnd = sndWnd;
            sndWl1 = seg.seqNumber();
            sndWl2 = ack;
            retransmits = 0;
            establish(now);
            ackNow = true;
            // "continue processing at the sixth step below where the URG bit is checked"
            processText(seg, seg.seqNumber() + 1, buf, dataOffset, now);
            processFinBit(seg, seg.seqNumber() + 1, now);
            output(now, false);
        } else {
            // Simultaneous open (RFC 9293 figure 7): SYN_RECEIVED, send SYN,ACK. Data on the SYN
            // is not queued: the peer retransmits it.
            sndWnd = seg.window();
            maxSndWnd = sndWnd;
            sndWl1 = seg.seqNumber();
            sndWl2 = sndUna;
            setState(TcpState.SYN_RECEIVED, now);
            sendSyn(now);
        }
    }

    /** RFC 9293 3.10.7.4: SYN_RECEIVED and every synchronized state, step by step. */
    private void otherwiseArrives(TcpRepr seg, ByteBuf buf, int dataOffset, long now) {
        int seq = seg.seqNumber();
        // A retransmitted SYN while our SYN,ACK is outstanding: answer it again (as Linux does),
        // rather than waiting for our retransmission timer.
        if (state == TcpState.SYN_RECEIVED && seg.syn() && !seg.ack() && !seg.rst() && seq == irs) {
            sendSyn(now);
            return;
        }
        // RFC 9293 figure 7 line 6: in a simultaneous open the peer's SYN,ACK (SEQ=IRS, acking our
        // SYN) completes the handshake. Its SYN is old news, so it is processed as an ACK at IRS+1
        // (Linux makes the same exception in tcp_validate_incoming).
        boolean simultaneousSynAck = state == TcpState.SYN_RECEIVED && !passive && seg.syn() && seg.ack()
                && !seg.rst() && seq == irs && seg.ackNumber() == sndMax;
        TcpOptions o = seg.options();
        // RFC 7323 3.2: once timestamps are in use, a non-RST segment without them is dropped.
        if (tsOk && !o.hasTimestamps() && !seg.rst()) {
            tcp.drop("missing_timestamp", now);
            return;
        }
        // RFC 7323 5.3 R1: PAWS, before the sequence number check.
        if (tsOk && o.hasTimestamps() && !seg.rst() && tsRecentValid && Seq.lt(o.tsVal(), tsRecent)) {
            if (now - tsRecentAge > PAWS_IDLE) {
                tsRecentValid = false;   // RFC 7323 5.5: TS.Recent is too old to judge by
            } else {
                tcp.drop("paws", now);
                sendAck(now);
                return;
            }
        }
        if (simultaneousSynAck) {
            seq = irs + 1;
        }
        // First: check the sequence number.
        if (!simultaneousSynAck && !acceptable(seq, seg.segLen())) {
            tcp.drop("out_of_window", now);
            if (seg.payloadLength() > 0 && Seq.le(seq + seg.payloadLength(), rcvNxt)) {
                noteDuplicate(seq, seq + seg.payloadLength());   // all of it arrived before
            }
            if (!seg.rst()) {
                sendAck(now);   // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
                if (state == TcpState.TIME_WAIT && seg.fin()) {
                    enterTimeWait(now);   // a retransmitted FIN restarts the 2*MSL timeout
                }
            }
            return;
        }
        lastHeard = now;
        keepAliveProbes = 0;
        // Second: the RST bit (RFC 5961 section 3.2).
        if (seg.rst()) {
            if (seq == rcvNxt) {
                resetArrived(now);
            } else {
                tcp.drop("rst_in_window", now);
                if (tcp.allowChallengeAck(now)) {
                    sendAck(now);
                }
            }
            return;
        }
        // RFC 7323 4.3: remember the timestamp to echo.
        if (tsOk && o.hasTimestamps() && Seq.le(seq, lastAckSent)
                && (!tsRecentValid || Seq.ge(o.tsVal(), tsRecent))) {
            tsRecent = o.tsVal();
            tsRecentAge = now;
            tsRecentValid = true;
        }
        // Fourth: the SYN bit.
        if (seg.syn() && !simultaneousSynAck) {
            if (state == TcpState.SYN_RECEIVED && passive) {
                // "If the connection was initiated with a passive OPEN, then return this
                // connection to the LISTEN state": the listener stays, this attempt goes.
                tcp.drop("syn_in_syn_received", now);
                destroy(null, now);
                return;
            }
            // RFC 5961 section 4: answer any SYN in a synchronized state with a challenge ACK.
            tcp.drop("syn_in_window", now);
            if (tcp.allowChallengeAck(now)) {
                sendAck(now);
            }
            return;
        }
        // Fifth: the ACK field.
        if (!seg.ack()) {
            tcp.drop("no_ack", now);
            return;
        }
        if (!ackArrives(seg, now)) {
            return;
        }
        // Sixth: the URG bit.
        if (seg.urg() && state.acceptsText() && seg.urgentPointer() > 0) {
            urgentArrives(seq + seg.urgentPointer(), now);
        }
        // Seventh: the segment text.
        processText(seg, seq, buf, dataOffset, now);
        captureUrgentOctet();
        if (state == TcpState.CLOSED) {
            return;
        }
        // Eighth: the FIN bit.
        processFinBit(seg, seq, now);
        output(now, false);
    }

    /**
     * RFC 9293 3.10.7.4 "first", the four cases:
     * <pre>
     * Segment Length  Receive Window   Test
     * 0               0                SEG.SEQ = RCV.NXT
     * 0               >0               RCV.NXT =&lt; SEG.SEQ &lt; RCV.NXT+RCV.WND
     * >0              0                not acceptable
     * >0              >0               RCV.NXT =&lt; SEG.SEQ &lt; RCV.NXT+RCV.WND
     *                                  or RCV.NXT =&lt; SEG.SEQ+SEG.LEN-1 &lt; RCV.NXT+RCV.WND
     * </pre>
     * With a zero window a segment at exactly RCV.NXT is let through so that its ACK, URG and RST
     * are processed ("special allowance"); its text is then trimmed away.
     */
    private boolean acceptable(int seq, int segLen) {
        int wnd = Math.max(0, rcvAdv - rcvNxt);
        if (wnd == 0) {
            return seq == rcvNxt;
        }
        int end = rcvNxt + wnd;
        if (segLen == 0) {
            return Seq.inRange(seq, rcvNxt, end);
        }
        return Seq.inRange(seq, rcvNxt, end) || Seq.inRange(seq + segLen - 1, rcvNxt, end);
    }

    /** RFC 9293 3.10.7.4 "second", for an exactly matching RST (RFC 5961 3.2). */
    private void resetArrived(long now) {
        switch (state) {
            case SYN_RECEIVED -> {
                if (passive) {
                    destroy(null, now);   // back to LISTEN: only this attempt goes away
                } else {
                    tcp.attemptFails.increment();
                    destroy(SocketError.CONNECTION_REFUSED, now);
                }
            }
            case ESTABLISHED, CLOSE_WAIT -> {
                tcp.estabResets.increment();
                destroy(SocketError.CONNECTION_RESET, now);
            }
            case FIN_WAIT_1, FIN_WAIT_2 -> destroy(SocketError.CONNECTION_RESET, now);
            default -> destroy(null, now);   // CLOSING, LAST_ACK, TIME_WAIT
        }
    }

    /**
     * RFC 9293 3.10.7.4 "fifth": the ACK field, with the RFC 5961 5.2 acceptability range.
     *
     * @return false if processing of the segment ends here
     */
    private boolean ackArrives(TcpRepr seg, long now) {
        int ack = seg.ackNumber();
        if (state == TcpState.SYN_RECEIVED) {
            if (!(Seq.lt(sndUna, ack) && Seq.le(ack, sndMax))) {
                tcp.drop("bad_ack", now);
                sendReset(ack, now);   // <SEQ=SEG.ACK><CTL=RST>
                return false;
            }
            if (parent != null && parent.acceptQueueFull()) {
                // Like Linux with tcp_abort_on_overflow=0: ignore the ACK, stay in SYN_RECEIVED;
                // the SYN,ACK retransmission gives the application time to accept.
                tcp.listenOverflows.increment();
                tcp.drop("accept_queue_full", now);
                return false;
            }
            sndWnd = seg.syn() ? seg.window() : seg.window() << sndWscale;   // a SYN's window is unscaled
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            sndWl1 = seg.seqNumber();
            sndWl2 = ack;
            establish(now);
        }
        // RFC 5961 5.2: acceptable if SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT.
        if (Seq.lt(ack, sndUna - Math.max(maxSndWnd, 1)) || Seq.gt(ack, sndMax)) {
            tcp.drop(Seq.gt(ack, sndMax) ? "ack_too_new" : "ack_too_old", now);
            if (tcp.allowChallengeAck(now)) {
                sendAck(now);
            }
            return false;
        }
        int segWnd = seg.syn() ? seg.window() : seg.window() << sndWscale;
        boolean sackedNew = sackOk && readSackBlocks(seg.options(), ack, now);
        if (Seq.gt(ack, sndUna)) {
            newAck(seg, ack, now);
        } else if (ack == sndUna && (sackOk ? isSackDuplicateAck(seg, sackedNew) : isDuplicateAck(seg, segWnd))) {
            duplicateAck(now);
        }
        // RFC 9293 3.10.7.4: update the send window from the most recent segment only.
        if (Seq.le(sndUna, ack) && Seq.le(ack, sndMax)
                && (Seq.lt(sndWl1, seg.seqNumber()) || (sndWl1 == seg.seqNumber() && Seq.le(sndWl2, ack)))) {
            boolean opened = sndWnd == 0 && segWnd > 0;
            sndWnd = segWnd;
            sndWl1 = seg.seqNumber();
            sndWl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, sndWnd);
            if (opened) {
                persistTimer.cancel();
                persistBackoff = 0;
            }
        }
        boolean finAcked = finAcked();
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    setState(TcpState.FIN_WAIT_2, now);
                    if (socket.isClosed()) {
                        waitTimer.scheduleAfter(now, cfg.finWait2Timeout());
                    }
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    enterTimeWait(now);
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    destroy(null, now);
                    return false;
                }
            }
            default -> { }
        }
        return true;
    }

    /**
     * RFC 5681 section 2 "DUPLICATE ACKNOWLEDGMENT": outstanding data, no data or SYN/FIN in the
     * segment, same window, ACK equal to SND.UNA. A zero window is excluded (probe answers).
     */
    private boolean isDuplicateAck(TcpRepr seg, int segWnd) {
        return Seq.gt(sndNxt, sndUna) && seg.payloadLength() == 0 && !seg.syn() && !seg.fin()
                && segWnd == sndWnd && sndWnd > 0 && state.synchronizedState();
    }

    /**
     * RFC 6675 section 2 "duplicate acknowledgment" for a SACK connection: outstanding data, no
     * data, no SYN or FIN, SND.UNA not advanced, and SACK information for new data.
     */
    private boolean isSackDuplicateAck(TcpRepr seg, boolean sackedNew) {
        return sackedNew && Seq.gt(sndMax, sndUna) && seg.payloadLength() == 0 && !seg.syn() && !seg.fin()
                && state.synchronizedState();
    }

    /**
     * RFC 6675 section 5: the SACK blocks of an ACK update the scoreboard. Blocks outside
     * SEG.ACK..SND.MAX are ignored; a first block below SEG.ACK or inside the second block is a
     * D-SACK (RFC 2883 section 4), which is counted and otherwise ignored.
     *
     * @return true if some octet was SACKed for the first time
     */
    private boolean readSackBlocks(TcpOptions blocks, int ack, long now) {
        int n = blocks.sackBlockCount();
        if (n == 0) {
            return false;
        }
        boolean newData = false;
        for (int i = 0; i < n; i++) {
            int l = blocks.sackLeftEdge(i);
            int r = blocks.sackRightEdge(i);
            if (i == 0 && isDsack(blocks, ack)) {
                scoreboard.countDsack();
                tcp.dsacksReceived.increment();
                onDsack(l, r);
                continue;
            }
            if (!Seq.lt(l, r) || Seq.le(r, ack) || Seq.gt(r, sndMax) || Seq.lt(l, sndUna)) {
                tcp.drop("sack_block_invalid", now);
                continue;
            }
            newData |= scoreboard.add(Seq.max(l, ack), r);
        }
        return newData;
    }

    /**
     * A D-SACK for octets this fast-recovery episode retransmitted: that original arrived after
     * all. RFC 3708 section 3: when every retransmission of the episode has come back D-SACKed,
     * the episode was spurious and what looked like loss was reordering. The response of RFC 4653
     * section 3.1 in its simplest form: raise DupThresh, so that reordering of that extent no
     * longer triggers fast retransmit; doubled once per episode, up to {@link #MAX_DUP_THRESH}.
     * (cwnd is not restored: no undo, RFC 4015.) An episode with real losses keeps some
     * retransmission un-D-SACKed and leaves DupThresh alone.
     */
    private void onDsack(int l, int r) {
        if (!rxtSpanValid || !Seq.le(rxtSpanLeft, l) || !Seq.le(r, rxtSpanRight)) {
            return;
        }
        episodeDsacked++;
        if (!reorderingCounted && episodeDsacked >= episodeRetransmits) {
            reorderingCounted = true;
            tcp.spuriousRecoveries.increment();
            dupThresh = Math.min(2 * dupThresh, MAX_DUP_THRESH);
        }
    }

    /**
     * RFC 2883 section 4 (receiver): a segment repeated octets we hold; the next ACK reports
     * them in a D-SACK block (the latest duplicate wins if several arrive before it).
     */
    private void noteDuplicate(int left, int right) {
        if (sackOk && Seq.lt(left, right)) {
            dsackPending = true;
            dsackLeft = left;
            dsackRight = right;
        }
    }

    /**
     * DupThresh for this ACK: the one reordering taught us, but less than the segments in
     * flight (a lost one can bring at most that many duplicate ACKs), so that a small window
     * still recovers by fast retransmit rather than by a timeout.
     */
    private int effectiveDupThresh() {
        int inFlight = (sndMax - sndUna) / Math.max(smss, 1);
        return Math.min(dupThresh, Math.max(SackScoreboard.DUP_THRESH, inFlight - 1));
    }

    /** RFC 6675 IsLost(seq), with DupThresh as {@link #effectiveDupThresh} has it now. */
    private boolean isLost(int seq) {
        scoreboard.setDupThresh(effectiveDupThresh());
        return scoreboard.isLost(seq, smss);
    }

    /** RFC 2883 section 4: how a sender recognises a D-SACK block (always the first). */
    private static boolean isDsack(TcpOptions blocks, int ack) {
        if (Seq.le(blocks.sackRightEdge(0), ack)) {
            return true;
        }
        if (blocks.sackBlockCount() > 1) {
            return Seq.le(blocks.sackLeftEdge(1), blocks.sackLeftEdge(0))
                    && Seq.ge(blocks.sackRightEdge(1), blocks.sackRightEdge(0));
        }
        return false;
    }

    /**
     * RFC 6675 section 5 step 4: loss recovery starts. RecoveryPoint = HighData, the
     * multiplicative decrease (cwnd = ssthresh), and the first segment presumed lost (at
     * SND.UNA) is retransmitted; {@link #sackOutput} sends the rest as the pipe allows.
     */
    private void enterSackRecovery(long now) {
        inRecovery = true;
        rxtSpanValid = false;
        reorderingCounted = false;
        episodeRetransmits = 0;
        episodeDsacked = 0;
        recover = sndMax;
        sndNxt = sndMax;
        highRxt = sndUna;
        tcp.fastRetransmits.increment();
        tcp.sackRecoveries.increment();
        cc.onEnterSackRecovery(sndMax - sndUna, now);
        int end = scoreboard.isEmpty() ? sndMax : scoreboard.holeEnd(sndUna, sndMax);
        retransmitRange(sndUna, end, now);
    }

    /** RFC 5681 3.2 / RFC 6582 3.2: counting duplicate ACKs, fast retransmit, fast recovery. */
    private void duplicateAck(long now) {
        dupAcks++;
        dupAcksIn++;
        if (sackOk) {
            // RFC 6675 section 5 steps 2-4: no window inflation; DupThresh ACKs or IsLost(HighACK+1).
            if (!inRecovery && Seq.gt(sndUna, recover)
                    && (dupAcks >= effectiveDupThresh() || isLost(sndUna))) {
                enterSackRecovery(now);
            }
            return;
        }
        if (inRecovery) {
            cc.onDupAckInRecovery(now);
            return;   // output() after the segment sends what the inflated window allows
        }
        // RFC 6582 3.2 step 2: only if the ACK covers more than "recover" (or nothing was lost yet).
        if (dupAcks == 3 && Seq.gt(sndUna, recover)) {
            inRecovery = true;
            recover = sndMax;
            tcp.fastRetransmits.increment();
            fastRetransmitCount++;
            cc.onEnterRecovery(sndMax - sndUna, now);
            retransmitOne(now);
        }
        // dupAcks 1 and 2: RFC 3042 limited transmit, applied in output().
    }

    /** An ACK of new data: SND.UNA advances (RFC 9293 3.10.7.4, RFC 6298 5.2/5.3, RFC 6582). */
    private void newAck(TcpRepr seg, int ack, long now) {
        int acked = ack - sndUna;
        // RTT measurement: RTTM with timestamps (RFC 7323 4.1) or one timed segment (Karn).
        TcpOptions o = seg.options();
        if (tsOk && o.hasTimestamps() && o.tsEcr() != 0) {
            int ms = tsNow(now) - o.tsEcr();
            if (ms >= 0) {
                rtt.sample(Math.max(ms, 1) * MILLI);
            }
        } else if (rttTiming && Seq.gt(ack, rttSeq)) {
            rtt.sample(now - rttStart);
            rttTiming = false;
        }
        cc.onRttSample(rtt.srtt(), now);
        if (sndUpValid && Seq.ge(ack, sndUp)) {
            sndUpValid = false;   // the urgent data is acknowledged
        }
        int dataAcked = Math.max(0, Math.min(ack - sndBufSeq, sndBuf.size()));
        sndBuf.skip(dataAcked);
        sndBufSeq += dataAcked;
        sndUna = ack;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        retransmits = 0;
        scoreboard.removeBelow(sndUna);
        if (Seq.lt(highRxt, sndUna)) {
            highRxt = sndUna;
        }
        if (inRecovery) {
            if (Seq.ge(ack, recover)) {
                inRecovery = false;   // RFC 6582 3.2 step 4 / RFC 6675 step (B): full acknowledgment
                cc.onExitRecovery(sndMax - sndUna, now);
            } else if (sackOk) {
                // RFC 6675: a partial ACK only updates the scoreboard; sackOutput fills holes.
            } else {
                // RFC 6582 3.2 step 5: partial acknowledgment, retransmit the next hole.
                retransmitOne(now);
                cc.onPartialAck(acked, now);
            }
        } else if (dataAcked > 0 && cwndValidated()) {
            cc.onAck(dataAcked, sndMax - sndUna, now);
        }
        dupAcks = 0;
        if (sackOk && !inRecovery && Seq.gt(sndUna, recover) && Seq.gt(sndMax, sndUna)
                && isLost(sndUna)) {
            enterSackRecovery(now);   // RFC 6675 section 5 step 4: IsLost(HighACK + 1)
        }
        // RFC 6298 5.2 and 5.3.
        if (sndUna == sndMax) {
            rexmitTimer.cancel();
        } else {
            rexmitTimer.scheduleAfter(now, rtt.rto());
        }
        if (dataAcked > 0 && socket.writeBlocked && sndBuf.free() > 0) {
            socket.writeBlocked = false;
            signal(SocketEvents.WRITABLE);
        }
    }

    /** RFC 9293 3.10.7.4 "seventh": segment text into the receive buffer. */
    private void processText(TcpRepr seg, int seq, ByteBuf buf, int dataOffset, long now) {
        int len = seg.payloadLength();
        if (len == 0) {
            return;
        }
        if (!state.acceptsText()) {
            tcp.drop("text_after_fin", now);
            return;
        }
        if (socket.isClosed()) {
            // RFC 1122 4.2.2.13 / RFC 2525: data after CLOSE is lost, say so with a RST.
            tcp.drop("data_after_close", now);
            abort(SocketError.CONNECTION_ABORTED, now);
            return;
        }
        rcvMss = Math.max(rcvMss, Math.min(len, ourMss));
        // Trim what was already received...
        int off = dataOffset;
        if (Seq.lt(seq, rcvNxt)) {
            int old = rcvNxt - seq;
            noteDuplicate(seq, seq + Math.min(old, len));
            if (old >= len) {
                ackNow = true;   // a pure duplicate: tell the sender where we are
                return;
            }
            off += old;
            len -= old;
            seq = rcvNxt;
        }
        // ...and what lies beyond the window or the buffer.
        int room = Math.min(Math.max(0, rcvAdv - rcvNxt), rcvBuf.free());
        int beyond = (seq - rcvNxt) + len - room;
        if (beyond > 0) {
            tcp.drop("beyond_window", now);
            len -= beyond;
            ackNow = true;
            if (len <= 0) {
                return;
            }
        }
        int at = rcvBuf.size() + (seq - rcvNxt);
        if (seq == rcvNxt) {
            rcvBuf.setAt(at, buf, off, len);
            rcvBuf.extend(len);
            rcvNxt += len;
            bytesIn += len;
            boolean filled = false;
            while (true) {
                int next = ooo.pullContiguous(rcvNxt);
                if (next == rcvNxt) {
                    break;
                }
                rcvBuf.extend(next - rcvNxt);
                bytesIn += next - rcvNxt;
                rcvNxt = next;
                filled = true;
            }
            ooo.dropBelow(rcvNxt);
            rcvdSinceAck += len;
            // RFC 5681 4.2: ACK at least every second full-sized segment, and at once when a hole fills.
            if (filled || rcvdSinceAck >= 2 * rcvMss) {
                ackNow = true;
            } else if (!delAckTimer.isArmed()) {
                delAckTimer.scheduleAfter(now, cfg.delayedAck());
            }
            signal(SocketEvents.READABLE);
            if (oooFinValid && oooFinSeq == rcvNxt) {
                oooFinValid = false;
                finArrived(now);
            }
        } else {
            // Out of order: keep it in place and ACK at once (RFC 5681 4.2, RFC 2018 4).
            if (ooo.covers(seq, seq + len)) {
                noteDuplicate(seq, seq + len);
            }
            if (ooo.add(seq, seq + len)) {
                rcvBuf.setAt(at, buf, off, len);
            } else {
                tcp.drop("reassembly_full", now);
            }
            ackNow = true;
        }
    }

    /**
     * RFC 9293 3.10.7.4 "sixth" with RFC 6093 section 4: the Urgent Pointer points to the octet
     * following the urgent data, so the urgent (out-of-band) octet is {@code up - 1}. A new,
     * further pointer replaces an older mark (only the last urgent octet is kept, as in BSD).
     */
    private void urgentArrives(int up, long now) {
        if (rcvUrgValid && !Seq.gt(up, rcvUp)) {
            return;   // the same (or an older) mark again
        }
        if (Seq.lt(up - 1, readSeq())) {
            return;   // points into data the application has already read
        }
        rcvUp = up;
        rcvUrgValid = true;
        oobAvailable = false;
        tcp.urgentReceived.increment();
        signal(SocketEvents.URGENT);
    }

    /** Sequence number of the next octet the application will read. */
    private int readSeq() {
        return rcvNxt - (finReceived ? 1 : 0) - rcvBuf.size();
    }

    /** Once the urgent octet is in sequence, copy it aside for an out-of-band read. */
    private void captureUrgentOctet() {
        if (rcvUrgValid && !oobAvailable && !socket.oobInline() && Seq.lt(rcvUp - 1, rcvNxt)) {
            int at = (rcvUp - 1) - readSeq();
            if (at >= 0 && at < rcvBuf.size()) {
                oobByte = rcvBuf.get(at);
                oobAvailable = true;
                signal(SocketEvents.URGENT);   // now it can be read out of band
            }
        }
    }

    /**
     * How much of a {@code len}-octet read may go ahead: reads stop at the urgent mark (so the
     * application can notice it, SIOCATMARK). At the mark, without OOBINLINE the urgent octet is
     * skipped (it is read with {@link #receiveUrgent}); with OOBINLINE it is read in line.
     */
    private int readLimit(int len) {
        if (!rcvUrgValid) {
            return len;
        }
        int d = (rcvUp - 1) - readSeq();
        if (d > 0) {
            return Math.min(len, d);
        }
        if (d == 0 && rcvBuf.size() > 0) {
            if (!socket.oobInline()) {
                rcvBuf.skip(1);
            }
            rcvUrgValid = false;
        } else if (d < 0) {
            rcvUrgValid = false;
        }
        return len;
    }

    /** SIOCATMARK: the next octet read is the urgent one (in line) or follows it (out of line). */
    boolean atUrgentMark() {
        return rcvUrgValid && readSeq() == rcvUp - 1;
    }

    /** An urgent octet waits to be read out of band (MSG_OOB; not once SO_OOBINLINE is on). */
    boolean urgentPending() {
        return oobAvailable && !socket.oobInline();
    }

    /**
     * Octets a normal read can return: the receive buffer without the urgent octet still in it
     * when it is read out of band (the read skips it, so it is not normal data).
     */
    int normalOctets() {
        int n = rcvBuf.size();
        if (rcvUrgValid && !socket.oobInline()) {
            int at = (rcvUp - 1) - readSeq();
            if (at >= 0 && at < n) {
                n--;
            }
        }
        return n;
    }

    /** An urgent octet lies ahead of the reader, not yet read in line or out of band. */
    boolean urgentUnread() {
        return oobAvailable || (rcvUrgValid && socket.oobInline() && Seq.lt(rcvUp - 1, rcvNxt));
    }

    /** MSG_OOB receive: the urgent octet (0..255), or -1 if none is waiting. */
    int receiveUrgent() {
        if (!oobAvailable) {
            return -1;
        }
        oobAvailable = false;
        return oobByte & 0xFF;
    }

    /** MSG_OOB send: queue {@code len} octets, the last of them urgent (RFC 6093: SND.UP follows it). */
    int sendUrgent(byte[] src, int off, int len, long now) {
        int n = sndBuf.write(src, off, len);
        if (n > 0) {
            sndUp = sndBufSeq + sndBuf.size();
            sndUpValid = true;
            output(now, false);
        }
        return n;
    }

    /** RFC 9293 3.10.7.4 "eighth": the FIN bit, in sequence or remembered until the hole fills. */
    private void processFinBit(TcpRepr seg, int seq, long now) {
        if (!seg.fin() || state == TcpState.CLOSED) {
            return;
        }
        int finSeq = seq + seg.payloadLength();
        if (finSeq == rcvNxt) {
            finArrived(now);
        } else if (Seq.gt(finSeq, rcvNxt) && Seq.lt(finSeq, rcvAdv) && !finReceived) {
            oooFinValid = true;
            oooFinSeq = finSeq;
            ackNow = true;
        }
    }

    private void finArrived(long now) {
        if (finReceived) {
            ackNow = true;
            return;
        }
        finReceived = true;
        rcvNxt++;
        ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT, now);
            case FIN_WAIT_1 -> {
                if (finAcked()) {
                    enterTimeWait(now);
                } else {
                    setState(TcpState.CLOSING, now);   // simultaneous close
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            case TIME_WAIT -> enterTimeWait(now);
            default -> { }
        }
        // The application hears of the FIN only after the state moved (RFC 9293 3.10.7.4, eighth
        // step: ESTABLISHED goes to CLOSE-WAIT). A handler on the loop that closes as soon as it
        // reads the end of the stream then closes from CLOSE-WAIT and sends its FIN from LAST-ACK,
        // a passive close; signalled first, it closed from ESTABLISHED and took the active
        // closer's path through CLOSING into TIME-WAIT for 2*MSL although the peer closed first.
        signal(SocketEvents.READABLE | SocketEvents.CLOSED);
    }

    private void establish(long now) {
        setState(TcpState.ESTABLISHED, now);
        everEstablished = true;
        lastHeard = now;
        keepAliveChanged(now);
        if (synRetransmitted) {
            rtt.resetAfterSynTimeout(THREE_SECONDS);   // RFC 6298 5.7
        }
        cc.init(smss, cfg.initialWindow(), now);
        if (parent != null) {
            parent.established(this);
        } else {
            signal(SocketEvents.CONNECTED | SocketEvents.WRITABLE);
        }
    }

    private void enterTimeWait(long now) {
        if (state != TcpState.TIME_WAIT) {
            setState(TcpState.TIME_WAIT, now);
        }
        rexmitTimer.cancel();
        persistTimer.cancel();
        waitTimer.scheduleAfter(now, 2 * cfg.msl());
        // Nothing more is sent (our FIN is acknowledged) or received in TIME-WAIT, yet the pair
        // is held for 2*MSL: the buffers' storage goes now, so a busy client's thousands of
        // TIME-WAIT pairs cost only their control blocks. Unread data, if any, stays readable.
        sndBuf.releaseIfEmpty();
        rcvBuf.releaseIfEmpty();
    }

    // =================================================================== output

    /** States in which queued data and our FIN may (still) be sent. */
    private boolean canSend() {
        return switch (state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    private int finSeq() {
        return sndBufSeq + sndBuf.size();
    }

    private boolean finAcked() {
        return finQueued && Seq.gt(sndUna, finSeq());
    }

    /** Octets queued but not yet sent (beyond SND.NXT). */
    int unsent() {
        return Math.max(0, sndBuf.size() - (sndNxt - sndBufSeq));
    }

    /**
     * Sends what the windows allow: segmentation into SMSS-sized segments, the usable window
     * min(SND.WND, cwnd) (plus RFC 3042 limited transmit), Nagle and sender SWS avoidance
     * (RFC 9293 3.7.4 and 3.8.6.2.1), the FIN after the last data; then any owed ACK.
     *
     * @param force send one segment even if Nagle/SWS would wait (timeouts)
     */
    void output(long now, boolean force) {
        if (canSend() && inRecovery && sackOk) {
            sackOutput(now);
        } else if (canSend()) {
            boolean sent = false;
            while (true) {
                int unsent = unsent();
                boolean finPending = finQueued && Seq.le(sndNxt, finSeq());
                int window = Math.min(sndWnd, cc.cwnd() + limitedTransmitAllowance());
                int usable = Math.max(0, window - (sndNxt - sndUna));
                TcpOptions opts = dataOptions(now);
                int mss = maxData(opts.bufferLength());
                int len = Math.min(unsent, Math.min(maxBurst(mss, opts.bufferLength()), usable));
                if (force && len == 0 && unsent > 0) {
                    len = Math.min(unsent, Math.min(maxData(opts.bufferLength()), Math.max(usable, 1)));
                }
                boolean fin = finPending && len == unsent;
                if (len == 0 && !fin) {
                    break;
                }
                if (len > 0 && !force && !senderSwsAllows(len, unsent)) {
                    break;
                }
                int flags = TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (len > 0 && len == unsent ? TcpSegment.PSH : 0);
                tsoSegmentSize = len > mss ? mss : 0;
                sendSegment(sndNxt, flags, len, opts, now);
                tsoSegmentSize = 0;
                if (!rttTiming && !tsOk && len > 0 && sndNxt == sndMax) {
                    rttTiming = true;   // Karn: time only new data
                    rttSeq = sndNxt;
                    rttStart = now;
                }
                sndNxt += len + (fin ? 1 : 0);
                if (Seq.gt(sndNxt, sndMax)) {
                    sndMax = sndNxt;
                }
                if (!rexmitTimer.isArmed()) {
                    rexmitTimer.scheduleAfter(now, rtt.rto());
                }
                sent = true;
                force = false;
                if (fin) {
                    break;
                }
            }
            noteCwndUse(unsent() > 0 && cc.cwnd() + limitedTransmitAllowance() <= sndWnd
                    && cc.cwnd() + limitedTransmitAllowance() - (sndNxt - sndUna) < smss);
            if (sent) {
                persistTimer.cancel();
            } else if (unsent() > 0 && !rexmitTimer.isArmed() && !persistTimer.isArmed()) {
                // Nothing in flight will bring an ACK: the persist timer keeps probing
                // (RFC 9293 3.8.6.1) and overrides SWS avoidance (3.8.6.2.1).
                persistTimer.scheduleAfter(now, persistInterval());
            }
        }
        if (ackNow && state.synchronizedState() && state != TcpState.CLOSED) {
            sendAck(now);
        }
    }

    /**
     * Records how fully the last send used cwnd (RFC 7661). A period lasts about one round trip
     * (until SND.UNA passes the SND.NXT of its start); a period starts afresh when the old one
     * ends, when cwnd limits sending, or when the flight outgrows the period's largest so far
     * without cwnd having limited it.
     */
    private void noteCwndUse(boolean limitedNow) {
        int flight = sndNxt - sndUna;
        if (Seq.ge(sndUna, cwndUsageEnd) || limitedNow || (!cwndLimited && flight > maxFlight)) {
            cwndLimited = limitedNow;
            maxFlight = flight;
            cwndUsageEnd = sndNxt;
        }
    }

    /**
     * Whether an ACK may grow cwnd (RFC 7661 section 4: a cwnd the sender has not used is not
     * validated by the network, so it must not grow; RFC 5681 section 3.1 says the same of an
     * application-limited sender). In slow start cwnd may grow up to twice the largest flight, so
     * it keeps ahead of a flight that doubles each round trip; in congestion avoidance only while
     * cwnd itself limits sending.
     */
    private boolean cwndValidated() {
        if (cc.cwnd() < cc.ssthresh()) {
            return cc.cwnd() < 2 * maxFlight;
        }
        return cwndLimited;
    }

    /**
     * RFC 6675 section 5 step (C): during SACK recovery, while {@code cwnd - pipe >= 1 SMSS},
     * send the segment NextSeg() chooses. Conservative: the pipe, not an inflated cwnd, limits.
     */
    private void sackOutput(long now) {
        int pipe = scoreboard.pipe(sndUna, sndMax, highRxt, smss);
        while (cc.cwnd() - pipe >= smss) {
            int n = nextSeg(now);
            if (n <= 0) {
                break;
            }
            pipe += n;
        }
        if (!rexmitTimer.isArmed() && sndUna != sndMax) {
            rexmitTimer.scheduleAfter(now, rtt.rto());
        }
    }

    /**
     * RFC 6675 section 4 NextSeg(), sending what it picks: (1) the first unSACKed octet above
     * HighRxt that is below the highest SACKed one and IsLost; else (2) new data if the receive
     * window allows; else (3) the first unSACKed octet above HighRxt below the highest SACKed one.
     * (The optional rescue retransmission, rule 4, is left to the RTO.)
     *
     * @return sequence space sent, 0 if nothing
     */
    private int nextSeg(long now) {
        int highSacked = scoreboard.highestSacked(sndUna);
        int s = scoreboard.nextUnsacked(Seq.max(highRxt, sndUna));
        boolean belowSacked = Seq.lt(s, highSacked);
        if (belowSacked && isLost(s)) {
            return retransmitRange(s, scoreboard.holeEnd(s, sndMax), now);
        }
        int n = sendNewSegment(now);
        if (n > 0) {
            return n;
        }
        if (belowSacked) {
            return retransmitRange(s, scoreboard.holeEnd(s, sndMax), now);
        }
        return 0;
    }

    /** NextSeg rule 2: one segment of new data (and the FIN after the last), within SND.WND. */
    private int sendNewSegment(long now) {
        int unsent = unsent();
        boolean finPending = finQueued && Seq.le(sndNxt, finSeq());
        TcpOptions opts = dataOptions(now);
        int usable = Math.max(0, sndWnd - (sndNxt - sndUna));
        int len = Math.min(unsent, Math.min(maxData(opts.bufferLength()), usable));
        boolean fin = finPending && len == unsent;
        if (len == 0 && !fin) {
            return 0;
        }
        int flags = TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (len > 0 && len == unsent ? TcpSegment.PSH : 0);
        sendSegment(sndNxt, flags, len, opts, now);
        sndNxt += len + (fin ? 1 : 0);
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
        return len + (fin ? 1 : 0);
    }

    /** RFC 3042: with one or two duplicate ACKs, up to two more segments beyond cwnd. */
    private int limitedTransmitAllowance() {
        return !inRecovery && dupAcks > 0 && dupAcks < 3 ? dupAcks * smss : 0;
    }

    /**
     * Nagle (RFC 896, RFC 9293 3.7.4) and sender SWS avoidance (RFC 9293 3.8.6.2.1): send a
     * full-sized segment; or, when nothing is unacknowledged (or Nagle is off), all queued data or
     * at least half the largest window the peer offered.
     */
    private boolean senderSwsAllows(int len, int unsent) {
        if (len >= smss) {
            return true;
        }
        boolean nagleAllows = sndNxt == sndUna || socket.noDelay() || finQueued;
        if (!nagleAllows) {
            return false;
        }
        return len == unsent || len >= maxSndWnd / 2;
    }

    private long persistInterval() {
        long base = Math.max(rtt.rto(), cfg.rtoMin());
        long interval = base << Math.min(persistBackoff, 20);
        return Math.min(interval, cfg.rtoMax());
    }

    /**
     * Options of a non-SYN segment: timestamps (RFC 7323 3.2) and SACK blocks (RFC 2018 4).
     * Filled into the stack's one scratch instance (no allocation per segment): valid until the
     * next call, so build them right before the segment that carries them.
     */
    private TcpOptions dataOptions(long now) {
        TcpOptions opts = tcp.txOptions.clear();
        if (tsOk) {
            opts.setTimestamps(tsVal(now), tsRecent);
        }
        if (sackOk && (dsackPending || !ooo.isEmpty())) {
            int space = TcpSegment.MAX_OPTIONS_LENGTH - (tsOk ? TS_OPTION_SPACE : 0) - 4;
            int max = Math.min(space / TcpSegment.SACK_BLOCK_LENGTH, TcpSegment.MAX_SACK_BLOCKS);
            if (dsackPending) {
                opts.addSackBlock(dsackLeft, dsackRight);   // RFC 2883 section 4: the D-SACK block first
                max--;
            }
            for (SackBlock b : ooo.sackBlocks(max)) {
                opts.addSackBlock(b.leftEdge(), b.rightEdge());
            }
        }
        return opts;
    }

    /** Sends one segment at {@code seq}; any segment with ACK set satisfies the owed ACK. */
    private void sendSegment(int seq, int flags, int dataLen, TcpOptions opts, long now) {
        boolean ack = (flags & TcpSegment.ACK) != 0;
        boolean syn = (flags & TcpSegment.SYN) != 0;
        int window = syn ? Math.min(rcvBuf.free(), 0xFFFF) : windowToAdvertise();
        if (syn && state == TcpState.SYN_RECEIVED) {
            rcvAdv = rcvNxt + window;
        }
        int urgentPointer = 0;
        if (sndUpValid && !syn && Seq.gt(sndUp, seq)) {
            // RFC 9293 3.8.4 / RFC 6093: URG with the offset of the octet after the urgent data.
            flags |= TcpSegment.URG;
            urgentPointer = Math.min(sndUp - seq, 0xFFFF);
        }
        TcpRepr h = tcp.txHeader.set(local.port(), remote.port(), seq, ack ? rcvNxt : 0, flags, window, urgentPointer,
                opts, dataLen);
        int segLen = dataLen + (syn ? 1 : 0) + ((flags & TcpSegment.FIN) != 0 ? 1 : 0);
        if (segLen > 0 && Seq.lt(seq, sndMax)) {
            tcp.retransSegs.increment();
            totalRetransmits++;
            bytesRetransmitted += dataLen;
        }
        bytesOut += dataLen;
        if (firstSegmentAt < 0) {
            firstSegmentAt = now;
        }
        tcp.transmit(net, path, h, sndBuf, dataLen > 0 ? seq - sndBufSeq : 0, tsoSegmentSize, socket.ttl(),
                socket.tos(), now);
        if (ack) {
            if (dsackPending && sackOk) {
                dsackPending = false;   // reported once (RFC 2883 section 4)
                tcp.dsacksSent.increment();
            }
            lastAckSent = rcvNxt;
            rcvdSinceAck = 0;
            ackNow = false;
            delAckTimer.cancel();
        }
    }

    /**
     * A pure ACK: {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}, except that the sequence number is
     * {@link #acceptableAckSeq()} rather than a rewound SND.NXT.
     */
    private void sendAck(long now) {
        sendSegment(acceptableAckSeq(), TcpSegment.ACK, 0, dataOptions(now), now);
    }

    /**
     * The sequence number for a pure ACK. After a retransmission timeout SND.NXT is rewound to
     * SND.UNA while the peer may already hold everything up to SND.MAX (only its ACKs were lost).
     * An ACK carrying the rewound SND.NXT then lies left of the peer's window, and RFC 9293
     * 3.10.7.4 makes the peer drop it unread: if both ends are retransmitting, neither learns
     * that its data arrived and the connection stalls in back-off. So the ACK carries SND.MAX
     * (never left of the peer's RCV.NXT), kept within the peer's offered window SND.UNA+SND.WND
     * so that it is acceptable even to a receiver whose window is closed.
     */
    private int acceptableAckSeq() {
        int windowEnd = sndUna + sndWnd;
        return Seq.le(sndMax, windowEnd) ? sndMax : Seq.max(sndNxt, windowEnd);
    }

    private void sendReset(int seq, long now) {
        TcpRepr h = new TcpRepr(local.port(), remote.port(), seq, 0, TcpSegment.RST, 0, 0, TcpOptions.NONE, 0);
        tcp.transmit(net, path, h, null, 0, 0, socket.ttl(), socket.tos(), now);
        tcp.outRsts.increment();
    }

    /**
     * The window field (RFC 9293 3.8.6.2.2 receiver SWS avoidance): the right edge moves on only
     * when the buffer space beyond it reaches min(RCV.BUFF/2, MSS); it never moves back (3.8.6).
     * Scaled per RFC 7323 2.3 (rounding down, which may shrink it by less than 2^shift).
     */
    private int windowToAdvertise() {
        int free = rcvBuf.free();
        int cur = Math.max(0, rcvAdv - rcvNxt);
        int wnd = cur;
        if (free - cur >= Math.min(rcvBuf.capacity() / 2, ourMss)) {
            wnd = free;
        }
        int field = Math.min(wnd >>> rcvWscale, 0xFFFF);
        int edge = rcvNxt + (field << rcvWscale);
        if (Seq.gt(edge, rcvAdv)) {
            rcvAdv = edge;
        }
        return field;
    }

    /** The TSval clock: milliseconds from {@code now} plus a per-connection offset (RFC 7323 5.4). */
    private int tsNow(long now) {
        return (int) (now / MILLI) + tsOffset;
    }

    /**
     * The TSval to send: the timestamp clock, but never below the last TSval sent. RFC 7323
     * section 5.4 needs TSvals that do not decrease; callers pass the {@code now} of their own
     * moment (an event-loop iteration, an application call), and a later segment built with an
     * earlier {@code now} would otherwise carry a smaller TSval, which the peer's PAWS test
     * (section 5.3) drops as an old duplicate.
     */
    private int tsVal(long now) {
        int v = tsNow(now);
        if (tsSentValid && Seq.lt(v, lastTsSent)) {
            v = lastTsSent;
        }
        lastTsSent = v;
        tsSentValid = true;
        return v;
    }

    /** Resends the segment at SND.UNA (fast retransmit, partial ACK) without moving SND.NXT back. */
    private void retransmitOne(long now) {
        int end = sndUna + retransmitRange(sndUna, sndMax, now);
        if (Seq.gt(end, sndNxt)) {
            sndNxt = end;
        }
    }

    /**
     * Resends one segment of at most SMSS from {@code seq}, not beyond {@code limit} (the FIN
     * rides along if it is next); HighRxt moves to its end (RFC 6675).
     *
     * @return sequence space resent, 0 if nothing
     */
    private int retransmitRange(int seq, int limit, long now) {
        int avail = Math.max(0, sndBuf.size() - (seq - sndBufSeq));
        TcpOptions opts = dataOptions(now);
        int len = Math.min(Math.min(avail, maxData(opts.bufferLength())), Math.max(0, limit - seq));
        boolean fin = finQueued && len == avail && Seq.gt(sndMax, finSeq());
        if (len == 0 && !fin) {
            return 0;
        }
        sendSegment(seq, TcpSegment.ACK | (fin ? TcpSegment.FIN : 0), len, opts, now);
        int n = len + (fin ? 1 : 0);
        if (Seq.gt(seq + n, highRxt)) {
            highRxt = seq + n;
        }
        if (inRecovery) {
            episodeRetransmits++;
            rxtSpanLeft = rxtSpanValid ? Seq.min(rxtSpanLeft, seq) : seq;
            rxtSpanRight = rxtSpanValid ? Seq.max(rxtSpanRight, seq + n) : seq + n;
            rxtSpanValid = true;
        }
        rttTiming = false;   // Karn's algorithm
        return n;
    }

    // =================================================================== ICMP errors

    /**
     * An ICMP error quoting our segment with sequence number {@code seq}. RFC 5927 section 4.1:
     * act only if SND.UNA =< SEG.SEQ < SND.NXT (a blind attacker must then guess the window).
     * <ul>
     *   <li>"fragmentation needed" (RFC 1191 section 6.1, RFC 8201): the MSS follows the lower
     *       path MTU and the unacknowledged data is resent in smaller segments; this is not a
     *       congestion signal, so cwnd stays;</li>
     *   <li>a hard error (port or protocol unreachable) while in SYN_SENT aborts the attempt with
     *       CONNECTION_REFUSED (RFC 1122 4.2.3.9); in synchronized states RFC 5927 section 5.2 has
     *       it treated as a soft error, as Linux does;</li>
     *   <li>soft errors (host/net unreachable, time exceeded) never abort: they are remembered and
     *       reported if the connection later times out (RFC 1122 4.2.3.9).</li>
     * </ul>
     */
    void errorArrives(int seq, SocketError error, int mtu, boolean permanent, long now) {
        if (!(Seq.le(sndUna, seq) && Seq.lt(seq, sndMax))) {
            tcp.drop("icmp_out_of_window", now);
            return;
        }
        if (error == SocketError.MESSAGE_TOO_BIG) {
            pathMtuDecreased(mtu, now);
            return;
        }
        if (permanent && state == TcpState.SYN_SENT) {
            tcp.attemptFails.increment();
            destroy(SocketError.CONNECTION_REFUSED, now);
            return;
        }
        softError = error;
    }

    /** RFC 1191 section 6.1 / 6.4: a smaller path MTU: new SMSS, retransmit what was too big. */
    private void pathMtuDecreased(int mtu, long now) {
        if (mtu <= 0 || mtu >= pmtu) {
            return;
        }
        pmtu = Math.max(mtu, 68);
        tcp.pmtuUpdates.increment();
        tcp.traceEvent(now, TraceEvent.Kind.STATE, this + " pmtu " + pmtu);
        if (!state.synchronizedState() || state == TcpState.SYN_RECEIVED) {
            return;   // the SYN is tiny; the MSS is computed when the handshake completes
        }
        smss = maxData(tsOk ? TS_OPTION_SPACE : 0);
        if (canSend() && Seq.gt(sndMax, sndUna)) {
            // Everything in flight was too big and dropped: go back to SND.UNA (like an RTO
            // without the backoff or the congestion response).
            inRecovery = false;
            dupAcks = 0;
            scoreboard.clear();
            highRxt = sndUna;
            rttTiming = false;
            sndNxt = sndUna;
            output(now, true);
        }
    }

    /** The error an expiring connection reports: a remembered soft error, else TIMED_OUT. */
    private SocketError timeoutError() {
        return softError != null ? softError : SocketError.TIMED_OUT;
    }

    // =================================================================== timers

    /**
     * RFC 1122 4.2.3.5: give up after {@code limit} retransmissions, or, when the socket sets R2
     * as a time ({@link TcpSocket#maxRetransmitTime}), once that long has passed since the first.
     */
    private boolean giveUp(int count, int limit, long now) {
        long r2 = socket == null ? 0 : socket.maxRetransmitTime();
        if (r2 > 0) {
            return r2 != Long.MAX_VALUE && now - firstRetransmitAt >= r2;
        }
        return count > limit;
    }

    /** RFC 6298 5.4-5.7: retransmit the earliest unacknowledged segment, back off, give up at the limit. */
    /** The first retransmission timeout of a run opens an episode (new data acknowledged ends it). */
    private void countTimeoutEpisode() {
        if (retransmits == 0) {
            timeoutEpisodes++;
        }
    }

    private void onRetransmitTimeout(long now) {
        tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " rexmit rto=" + rtt.rto() / MILLI + "ms");
        tcp.timeouts.increment();
        if (retransmits == 0) {
            firstRetransmitAt = now;
        }
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            countTimeoutEpisode();
            if (giveUp(++retransmits, cfg.synRetries(), now)) {
                if (!passive) {
                    tcp.attemptFails.increment();
                }
                destroy(passive ? null : timeoutError(), now);
                return;
            }
            synRetransmitted = true;
            synRetransmits++;
            rttTiming = false;
            rtt.backOff();
            sendSyn(now);
            return;
        }
        if (!canSend() || sndUna == sndMax) {
            return;
        }
        if (sndWnd == 0) {
            // The peer closed its window: that is flow control, not loss. Probe instead
            // (RFC 9293 3.8.6.1), without counting towards the retransmission limit.
            sndNxt = sndUna;
            persistTimer.scheduleAfter(now, persistInterval());
            return;
        }
        countTimeoutEpisode();
        if (giveUp(++retransmits, cfg.dataRetries(), now)) {
            destroy(timeoutError(), now);
            return;
        }
        cc.onRetransmissionTimeout(sndMax - sndUna, now);
        inRecovery = false;
        rxtSpanValid = false;   // what a timeout resends says nothing about reordering
        dupAcks = 0;
        // RFC 2018 section 8 / RFC 6675 5.1: after a timeout the receiver may have reneged, so
        // prior SACK information does not steer retransmission.
        scoreboard.clear();
        highRxt = sndUna;
        recover = sndMax;
        rtt.backOff();
        rttTiming = false;
        sndNxt = sndUna;   // go back N: resend from the first unacknowledged octet
        output(now, true);
        if (!rexmitTimer.isArmed() && sndUna != sndMax) {
            rexmitTimer.scheduleAfter(now, rtt.rto());
        }
    }

    /**
     * RFC 9293 3.8.6.1: the persist timer. With a zero window, send a one-octet probe beyond it
     * (the window is not consumed: SND.NXT stays), backing off; with a small window, override
     * sender SWS avoidance and send what fits.
     */
    private void onPersistTimeout(long now) {
        tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " persist");
        if (!canSend() || unsent() == 0) {
            return;
        }
        int usable = sndWnd - (sndNxt - sndUna);
        if (usable > 0) {
            output(now, true);
            return;
        }
        tcp.zeroWindowProbes.increment();
        sendSegment(sndNxt, TcpSegment.ACK, 1, dataOptions(now), now);
        if (Seq.gt(sndNxt + 1, sndMax)) {
            sndMax = sndNxt + 1;
        }
        persistBackoff++;
        persistTimer.scheduleAfter(now, persistInterval());
    }

    private void onDelayedAckTimeout(long now) {
        tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " delack");
        if (state.synchronizedState()) {
            tcp.delayedAcks.increment();
            sendAck(now);
        }
    }

    /** The socket switched keep-alive or changed its times: (re)start or stop the timer. */
    void keepAliveChanged(long now) {
        if (socket.keepAlive() && state.synchronizedState() && state != TcpState.TIME_WAIT) {
            keepAliveTimer.schedule(lastHeard + socket.keepAliveIdle());
        } else {
            keepAliveTimer.cancel();
        }
    }

    /**
     * RFC 1122 4.2.3.6 keep-alive: after the idle time without hearing from the peer, send a probe
     * {@code <SEQ=SND.NXT-1><ACK=RCV.NXT>} with no data (an old sequence number, which any live
     * TCP answers with an ACK, RFC 9293 3.10.7.4); a dead peer (no answer to {@code count}
     * probes, one per interval) ends the connection with TIMED_OUT. Nothing is probed while data
     * is outstanding: the retransmission timer watches the peer then.
     */
    private void onKeepAliveTimeout(long now) {
        if (!socket.keepAlive() || !state.synchronizedState() || state == TcpState.TIME_WAIT) {
            return;
        }
        long idle = socket.keepAliveIdle();
        if (keepAliveProbes == 0 && now - lastHeard < idle) {
            keepAliveTimer.schedule(lastHeard + idle);
            return;
        }
        if (sndUna != sndMax || unsent() > 0) {
            keepAliveTimer.scheduleAfter(now, idle);
            return;
        }
        if (keepAliveProbes >= socket.keepAliveCount()) {
            tcp.keepaliveTimeouts.increment();
            tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " keepalive: peer dead");
            abort(timeoutError(), now);
            return;
        }
        tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " keepalive probe " + (keepAliveProbes + 1));
        tcp.keepaliveProbes.increment();
        keepAliveProbes++;
        sendSegment(sndNxt - 1, TcpSegment.ACK, 0, dataOptions(now), now);
        keepAliveTimer.scheduleAfter(now, socket.keepAliveInterval());
    }

    /** 2*MSL ends TIME_WAIT (RFC 9293 3.10.8); the FIN_WAIT_2 timeout ends an orphan. */
    private void onWaitTimeout(long now) {
        tcp.traceEvent(now, TraceEvent.Kind.TIMER, this + " " + (state == TcpState.TIME_WAIT ? "2msl" : "fin_wait_2"));
        destroy(null, now);
    }

    // =================================================================== user calls

    /** RFC 9293 3.10.2 SEND: queue data; returns octets accepted. */
    int send(byte[] src, int off, int len, long now) {
        int n = sndBuf.write(src, off, len);
        if (n > 0) {
            output(now, false);
        }
        return n;
    }

    int send(ByteBuf src, int len, long now) {
        int n = sndBuf.write(src, len);
        if (n > 0) {
            output(now, false);
        }
        return n;
    }

    /** RFC 9293 3.10.3 RECEIVE: octets copied out; a window update may follow. */
    int receive(byte[] dst, int off, int len, long now) {
        int n = rcvBuf.read(dst, off, readLimit(len));
        if (n > 0) {
            autotune(n, now);
            afterRead(now);
        }
        return n;
    }

    int receive(ByteBuf dst, int len, long now) {
        int n = rcvBuf.read(dst, readLimit(len));
        if (n > 0) {
            autotune(n, now);
            afterRead(now);
        }
        return n;
    }

    /**
     * Receive-buffer auto-tuning, after Linux's dynamic right-sizing: once per RTT, look at how
     * much the application read in that RTT ({@code rcvSpace}); a window of twice that lets the
     * sender keep growing, so the buffer grows to {@code 2 * rcvSpace} (never shrinks, at most
     * {@link TcpConfig#maxBuffer()}). The RTT is the connection's SRTT (a pure receiver has at
     * least the handshake's sample). Not while out-of-order data sits beyond the readable end.
     */
    private void autotune(int n, long now) {
        if (!socket.receiveAutotuning() || !rtt.hasSample()) {
            return;
        }
        rcvCopied += n;
        if (rcvSpaceTime == Long.MIN_VALUE) {
            rcvSpaceTime = now;
            return;
        }
        if (now - rcvSpaceTime < Math.max(rtt.srtt(), MILLI)) {
            return;
        }
        rcvSpace = rcvCopied;
        rcvCopied = 0;
        rcvSpaceTime = now;
        long want = Math.min(2L * rcvSpace, cfg.maxBuffer());
        if (want > rcvBuf.capacity() && ooo.isEmpty()) {
            rcvBuf.resize((int) want);
            tcp.rcvbufGrown.increment();
        }
    }

    /**
     * After the application read: send a window update if the window would at least double
     * (Linux's rule, which also satisfies receiver SWS avoidance, RFC 9293 3.8.6.2.2).
     */
    private void afterRead(long now) {
        if (!state.synchronizedState() || finReceived) {
            return;
        }
        int cur = Math.max(0, rcvAdv - rcvNxt);
        int free = rcvBuf.free();
        if (free - cur >= Math.min(rcvBuf.capacity() / 2, ourMss) && free >= 2 * cur && !ackNow) {
            // Not sent here: an application that reads and then answers within the same batch
            // (an echo, a request handler) puts the update on its answer. Tcp sends what is
            // left at the end of the batch.
            ackNow = true;
            tcp.deferAck(this);
        }
    }

    /** The end of a batch: the window update {@link #afterRead} deferred, unless data carried it. */
    void sendDeferredAck(long now) {
        if (ackNow && state.synchronizedState() && state != TcpState.CLOSED) {
            sendAck(now);
        }
    }

    /** RFC 9293 3.10.4 CLOSE of the send direction: FIN after the queued data. */
    void shutdownSend(long now) {
        switch (state) {
            case SYN_SENT -> destroy(null, now);
            case SYN_RECEIVED, ESTABLISHED -> {
                finQueued = true;
                setState(TcpState.FIN_WAIT_1, now);
                output(now, false);
            }
            case CLOSE_WAIT -> {
                finQueued = true;
                setState(TcpState.LAST_ACK, now);
                output(now, false);
            }
            default -> { }
        }
    }

    /** The application closed while we wait in FIN_WAIT_2: bound the wait (Linux tcp_fin_timeout). */
    void orphanedInFinWait2(long now) {
        if (state == TcpState.FIN_WAIT_2) {
            waitTimer.scheduleAfter(now, cfg.finWait2Timeout());
        }
    }

    /**
     * RFC 9293 3.10.5 ABORT: a RST (in synchronized states) and the TCB is deleted. Also used when
     * closing with unread data (RFC 9293 3.10.4 / RFC 2525 2.17).
     */
    void abort(SocketError error, long now) {
        if (state.synchronizedState() && state != TcpState.TIME_WAIT) {
            sendReset(sndNxt, now);
        }
        destroy(error, now);
    }

    /** Deletes the TCB: timers off, out of the tables, the socket told. */
    void destroy(SocketError error, long now) {
        if (destroyed) {
            return;
        }
        if (error == null && acceptedBeforeEstablished && state == TcpState.SYN_RECEIVED) {
            error = SocketError.CONNECTION_RESET;
        }
        destroyed = true;
        rexmitTimer.cancel();
        persistTimer.cancel();
        delAckTimer.cancel();
        waitTimer.cancel();
        keepAliveTimer.cancel();
        setState(TcpState.CLOSED, now);
        tcp.unregister(this);
        if (parent != null) {
            parent.remove(this);
            parent = null;
            tcp.unbind(socket);   // never accepted: nobody else holds the socket
            return;
        }
        socket.connectionClosed(error);
    }

    // =================================================================== observability

    private void setState(TcpState next, long now) {
        if (state == next) {
            return;
        }
        tcp.traceEvent(now, TraceEvent.Kind.STATE, this + " " + state + " -> " + next);
        state = next;
    }

    private void signal(int events) {
        if (parent == null) {
            socket.signal(events);
        }
    }

    TcpInfo info(long now) {
        return new TcpInfo(state, local, remote, cc.name(), cc.cwnd(), cc.ssthresh(), rtt.srtt(), rtt.rttvar(),
                rtt.rto(), Math.max(0, sndMax - sndUna), totalRetransmits, retransmits, sndBuf.size(), rcvBuf.size(),
                smss, ourMss, sndWnd, Math.max(0, rcvAdv - rcvNxt), wscaleOk ? sndWscale : -1,
                wscaleOk ? rcvWscale : -1, sackOk, tsOk, ooo.blockCount(), inRecovery, scoreboard.sackedBytes(),
                scoreboard.dsackCount(), rcvBuf.capacity(), rcvSpace, dupThresh, bytesOut, bytesIn,
                bytesRetransmitted, fastRetransmitCount, dupAcksIn, timeoutEpisodes, synRetransmits,
                rtt.minRtt() == Long.MAX_VALUE ? 0 : rtt.minRtt(), firstSegmentAt < 0 ? 0 : now - firstSegmentAt);
    }

    @Override
    public String toString() {
        return local + "-" + remote;
    }
}
