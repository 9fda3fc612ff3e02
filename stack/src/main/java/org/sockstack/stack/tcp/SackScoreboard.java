package org.sockstack.stack.tcp;

/**
 * The sender's SACK scoreboard of RFC 6675 section 3: which octets between SND.UNA and SND.MAX
 * the receiver has reported holding (RFC 2018 SACK blocks), as sorted, merged, disjoint ranges.
 * It answers the questions of RFC 6675 section 4: {@link #isLost} (IsLost), the first unSACKed
 * octet from a point ({@link #nextUnsacked}, for NextSeg) and the pieces SetPipe needs.
 *
 * <p>Bounded (DESIGN rule 6): at most {@code maxBlocks} ranges. A block that would need a new
 * range beyond the bound is ignored: SACK information is advisory, so forgetting it only costs an
 * unnecessary retransmission, never correctness.
 *
 * <p>IsLost (RFC 6675 section 4): a sequence number is lost when {@code DupThresh} (3)
 * discontiguous SACKed ranges lie above it, or more than {@code (DupThresh - 1) * SMSS} SACKed
 * octets do. Both counts only grow as the sequence number falls, so there is one boundary
 * ({@link #lostBelow}) under which every unSACKed octet is lost; it is recomputed on each change.
 */
final class SackScoreboard {
    static final int DUP_THRESH = 3;
    /** The DupThresh in use: {@link #DUP_THRESH}, raised when reordering is seen (RFC 4653 3.1). */
    private int dupThresh = DUP_THRESH;

    /** Ranges held before the arrays first grow (most recoveries need a few). */
    private static final int INITIAL_BLOCKS = 8;
    private static final int[] NONE = new int[0];

    private final int maxBlocks;
    /** Allocated on the first SACK block and doubled as needed: an idle connection holds none. */
    private int[] left = NONE;
    private int[] right = NONE;
    private int count;
    private boolean lostValid;
    private boolean hasLost;
    private int lostBelow;
    private long dsacks;

    SackScoreboard(int maxBlocks) {
        this.maxBlocks = maxBlocks;
    }

    /** Makes room for one more range (within {@code maxBlocks}). */
    private void grow() {
        if (count < left.length) {
            return;
        }
        int n = Math.min(maxBlocks, Math.max(INITIAL_BLOCKS, 2 * left.length));
        left = java.util.Arrays.copyOf(left, n);
        right = java.util.Arrays.copyOf(right, n);
    }

    boolean isEmpty() {
        return count == 0;
    }

    int blockCount() {
        return count;
    }

    /** Duplicate SACKs (RFC 2883) seen over the connection's life. */
    long dsackCount() {
        return dsacks;
    }

    void countDsack() {
        dsacks++;
    }

    void clear() {
        count = 0;
        lostValid = false;
    }

    /** The highest SACKed sequence number + 1 ({@code fallback} when nothing is SACKed). */
    int highestSacked(int fallback) {
        return count == 0 ? fallback : right[count - 1];
    }

    /** Octets SACKed in total (all above SND.UNA). */
    int sackedBytes() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += right[i] - left[i];
        }
        return n;
    }

    /**
     * Records that the receiver holds {@code [l, r)} (already checked to lie within
     * SND.UNA..SND.MAX). Returns true if any octet in it was not SACKed before.
     */
    boolean add(int l, int r) {
        if (!Seq.lt(l, r)) {
            return false;
        }
        int i = 0;
        while (i < count && Seq.lt(right[i], l)) {
            i++;
        }
        int j = i;
        while (j < count && Seq.le(left[j], r)) {
            j++;
        }
        if (i == j) {
            if (count == maxBlocks) {
                return false;   // bounded: forget it (see class comment)
            }
            grow();
            System.arraycopy(left, i, left, i + 1, count - i);
            System.arraycopy(right, i, right, i + 1, count - i);
            left[i] = l;
            right[i] = r;
            count++;
            lostValid = false;
            return true;
        }
        // [l, r) touches blocks i..j-1: it is new unless one of them already covers it.
        boolean covered = j - i == 1 && Seq.le(left[i], l) && Seq.ge(right[i], r);
        if (covered) {
            return false;
        }
        left[i] = Seq.min(left[i], l);
        right[i] = Seq.max(right[j - 1], r);
        int removed = j - 1 - i;
        if (removed > 0) {
            System.arraycopy(left, j, left, i + 1, count - j);
            System.arraycopy(right, j, right, i + 1, count - j);
            count -= removed;
        }
        lostValid = false;
        return true;
    }

    /** Forgets everything below {@code sndUna} (cumulatively acknowledged). */
    void removeBelow(int sndUna) {
        int drop = 0;
        while (drop < count && Seq.le(right[drop], sndUna)) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(left, drop, left, 0, count - drop);
            System.arraycopy(right, drop, right, 0, count - drop);
            count -= drop;
            lostValid = false;
        }
        if (count > 0 && Seq.lt(left[0], sndUna)) {
            left[0] = sndUna;
            lostValid = false;
        }
    }

    boolean isSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.inRange(seq, left[i], right[i])) {
                return true;
            }
            if (Seq.lt(seq, left[i])) {
                return false;
            }
        }
        return false;
    }

    /** True if {@code [l, r)} lies inside one SACKed range (for D-SACK detection, RFC 2883 section 4). */
    boolean covers(int l, int r) {
        for (int i = 0; i < count; i++) {
            if (Seq.le(left[i], l) && Seq.ge(right[i], r)) {
                return true;
            }
        }
        return false;
    }

    int dupThresh() {
        return dupThresh;
    }

    /** Sets DupThresh (at least RFC 6675's 3) for {@link #isLost}. */
    void setDupThresh(int segments) {
        int t = Math.max(DUP_THRESH, segments);
        if (t != dupThresh) {
            dupThresh = t;
            lostValid = false;
        }
    }

    /** RFC 6675 IsLost(SeqNum) for an unSACKed {@code seq}. */
    boolean isLost(int seq, int smss) {
        return Seq.lt(seq, lostBelow(smss, seq));
    }

    /**
     * The boundary of IsLost: walking the ranges from the highest down, the left edge of the
     * range at which DupThresh ranges or more than (DupThresh - 1) * SMSS octets are SACKed.
     * Unsacked octets below it are lost. {@code none} when neither holds (nothing is lost).
     */
    int lostBelow(int smss, int none) {
        if (lostValid) {
            return hasLost ? lostBelow : none;
        }
        int bytes = 0;
        hasLost = false;
        int edge = none;
        for (int i = count - 1, n = 1; i >= 0; i--, n++) {
            bytes += right[i] - left[i];
            if (n >= dupThresh || bytes > (dupThresh - 1) * smss) {
                edge = left[i];
                hasLost = true;
                break;
            }
        }
        lostBelow = edge;
        lostValid = true;
        return edge;
    }

    /** The first octet at or after {@code from} that is not SACKed. */
    int nextUnsacked(int from) {
        int s = from;
        for (int i = 0; i < count; i++) {
            if (Seq.le(right[i], s)) {
                continue;
            }
            if (Seq.le(left[i], s)) {
                s = right[i];
                continue;
            }
            break;
        }
        return s;
    }

    /** The end of the hole starting at unSACKed {@code seq}: the next SACKed range's left edge, or {@code limit}. */
    int holeEnd(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(left[i], seq)) {
                return Seq.min(left[i], limit);
            }
        }
        return limit;
    }

    /**
     * RFC 6675 SetPipe over octets {@code [sndUna, sndMax)}: every unSACKed octet counts once
     * if it is not lost (it is still in the network), and once more if it was retransmitted
     * (below {@code highRxt}).
     */
    int pipe(int sndUna, int sndMax, int highRxt, int smss) {
        int lost = lostBelow(smss, sndUna);
        int pipe = 0;
        int s = sndUna;
        int i = 0;
        while (Seq.lt(s, sndMax)) {
            while (i < count && Seq.le(right[i], s)) {
                i++;
            }
            int holeEnd = sndMax;
            if (i < count) {
                if (Seq.le(left[i], s)) {
                    s = right[i];
                    continue;
                }
                holeEnd = Seq.min(left[i], sndMax);
            }
            // unSACKed [s, holeEnd)
            pipe += overlap(s, holeEnd, lost, sndMax);      // not lost: still in flight
            pipe += overlap(s, holeEnd, sndUna, highRxt);   // retransmitted
            s = holeEnd;
        }
        return pipe;
    }

    private static int overlap(int a, int b, int lo, int hi) {
        int l = Seq.max(a, lo);
        int r = Seq.min(b, hi);
        return Seq.lt(l, r) ? r - l : 0;
    }
}
