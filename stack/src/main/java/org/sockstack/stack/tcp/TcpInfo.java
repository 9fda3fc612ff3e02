package org.sockstack.stack.tcp;

import org.sockstack.stack.socket.Endpoint;

/**
 * A snapshot of one connection, like a line of {@code ss -ti} (DESIGN rule 10). Times are
 * nanoseconds; window scales are -1 when not negotiated.
 *
 * @param state            RFC 9293 state
 * @param congestionControl algorithm name
 * @param bytesInFlight    SND.MAX - SND.UNA (sent, not yet acknowledged)
 * @param retransmissions  segments retransmitted over the connection's life
 * @param backoff          consecutive retransmission timeouts now
 * @param sendBuffered     octets in the send buffer (unacknowledged plus unsent)
 * @param receiveBuffered  octets readable by the application
 * @param sendMss          effective send MSS
 * @param receiveMss       the MSS we advertised
 * @param sndWnd           the peer's window (scaled)
 * @param rcvWnd           our advertised window now
 * @param reassemblyBlocks out-of-order ranges held
 * @param sackedBytes      octets the peer has SACKed above SND.UNA (RFC 6675 scoreboard)
 * @param dsacks           D-SACK blocks received (RFC 2883)
 * @param receiveBufferSize the receive buffer now (grows with auto-tuning)
 * @param rcvSpace         octets the application drained in the last measured RTT (auto-tuning)
 * @param reordering       DupThresh in segments: 3, raised when D-SACKs show reordering (ss's "reordering")
 * @param bytesOut         data octets sent, retransmissions included
 * @param bytesIn          data octets received in sequence
 * @param bytesRetransmitted data octets retransmitted
 * @param fastRetransmits  times fast retransmit (RFC 5681 3.2, RFC 6675) started a recovery
 * @param dupAcksIn        duplicate ACKs received (RFC 5681 section 2)
 * @param timeoutEpisodes  retransmission-timeout episodes (a run of timeouts counts once)
 * @param synRetransmits   SYN (or SYN-ACK) retransmissions
 * @param minRtt           the smallest RTT sample (0 before the first)
 * @param connectionTime   time since the connection's first segment went out
 */
public record TcpInfo(TcpState state, Endpoint local, Endpoint remote, String congestionControl, int cwnd,
                      int ssthresh, long srtt, long rttvar, long rto, int bytesInFlight, long retransmissions,
                      int backoff, int sendBuffered, int receiveBuffered, int sendMss, int receiveMss, int sndWnd,
                      int rcvWnd, int sndWscale, int rcvWscale, boolean sack, boolean timestamps, int reassemblyBlocks,
                      boolean inRecovery, int sackedBytes, long dsacks, int receiveBufferSize, int rcvSpace,
                      int reordering, long bytesOut, long bytesIn, long bytesRetransmitted, int fastRetransmits,
                      long dupAcksIn, int timeoutEpisodes, int synRetransmits, long minRtt, long connectionTime) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(state).append(' ').append(local).append(' ').append(remote).append('\n');
        sb.append("\t ").append(congestionControl);
        if (sack) {
            sb.append(" sack");
        }
        if (timestamps) {
            sb.append(" ts");
        }
        if (sndWscale >= 0) {
            sb.append(" wscale:").append(sndWscale).append(',').append(rcvWscale);
        }
        sb.append(String.format(" rto:%.3f rtt:%.3f/%.3f mss:%d rcvmss:%d cwnd:%d", rto / 1e6, srtt / 1e6,
                rttvar / 1e6, sendMss, receiveMss, cwnd));
        if (ssthresh < Integer.MAX_VALUE) {
            sb.append(" ssthresh:").append(ssthresh);
        }
        sb.append(" bytes_in_flight:").append(bytesInFlight).append(" retrans:").append(backoff).append('/')
                .append(retransmissions).append(" snd_wnd:").append(sndWnd).append(" rcv_wnd:").append(rcvWnd)
                .append(" send_q:").append(sendBuffered).append(" recv_q:").append(receiveBuffered);
        if (reassemblyBlocks > 0) {
            sb.append(" ooo_blocks:").append(reassemblyBlocks);
        }
        if (inRecovery) {
            sb.append(" recovery");
        }
        if (sackedBytes > 0) {
            sb.append(" sacked:").append(sackedBytes);
        }
        if (dsacks > 0) {
            sb.append(" dsack_dups:").append(dsacks);
        }
        if (reordering != 3) {
            sb.append(" reordering:").append(reordering);
        }
        sb.append(" rcv_buf:").append(receiveBufferSize).append(" rcv_space:").append(rcvSpace);
        return sb.toString();
    }
}
