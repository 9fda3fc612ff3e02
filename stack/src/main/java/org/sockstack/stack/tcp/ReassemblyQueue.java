package org.sockstack.stack.tcp;

import org.sockstack.stack.wire.TcpOptions.SackBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The out-of-order part of a receive buffer (RFC 9293 3.10.7.4 step 7: segments beyond RCV.NXT
 * "held for later processing"). The octets themselves are already stored in the receive
 * {@link ByteRing} at their offset; this records which sequence ranges are present, merged,
 * sorted, and bounded in number. It also remembers which range changed most recently, so the SACK
 * option can list blocks in the order RFC 2018 section 4 asks: the block holding the most recently
 * received segment first, then the other most recent ones.
 */
final class ReassemblyQueue {
    private static final class Block {
        int left;
        int right;
        long touched;

        Block(int left, int right, long touched) {
            this.left = left;
            this.right = right;
            this.touched = touched;
        }
    }

    private final List<Block> blocks = new ArrayList<>();   // sorted by left edge, disjoint
    private final int maxBlocks;
    private long clock;

    ReassemblyQueue(int maxBlocks) {
        this.maxBlocks = maxBlocks;
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    int blockCount() {
        return blocks.size();
    }

    /**
     * Records that {@code [left, right)} has arrived (all beyond RCV.NXT). Returns false (and
     * records nothing) if it would need a new block beyond the bound.
     */
    boolean add(int left, int right) {
        clock++;
        int i = 0;
        while (i < blocks.size() && Seq.lt(blocks.get(i).right, left)) {
            i++;
        }
        // blocks[i] is the first that ends at or after left: merge every block touching [left, right).
        int j = i;
        while (j < blocks.size() && Seq.le(blocks.get(j).left, right)) {
            j++;
        }
        if (i == j) {
            if (blocks.size() >= maxBlocks) {
                return false;
            }
            blocks.add(i, new Block(left, right, clock));
            return true;
        }
        Block b = blocks.get(i);
        b.left = Seq.min(b.left, left);
        b.right = Seq.max(blocks.get(j - 1).right, right);
        b.touched = clock;
        for (int k = j - 1; k > i; k--) {
            blocks.remove(k);
        }
        return true;
    }

    /** True if {@code [left, right)} has arrived already: one block holds all of it. */
    boolean covers(int left, int right) {
        for (Block b : blocks) {
            if (Seq.le(b.left, left) && Seq.le(right, b.right)) {
                return true;
            }
        }
        return false;
    }

    /**
     * If the first block now starts at or before {@code rcvNxt}, removes it and returns its right
     * edge (the new RCV.NXT); otherwise returns {@code rcvNxt}.
     */
    int pullContiguous(int rcvNxt) {
        if (!blocks.isEmpty() && Seq.le(blocks.get(0).left, rcvNxt)) {
            Block b = blocks.remove(0);
            return Seq.max(b.right, rcvNxt);
        }
        return rcvNxt;
    }

    /** Forgets ranges at or below {@code rcvNxt} (they were delivered). */
    void dropBelow(int rcvNxt) {
        while (!blocks.isEmpty() && Seq.le(blocks.get(0).right, rcvNxt)) {
            blocks.remove(0);
        }
    }

    /** Highest right edge held, or {@code fallback} when empty. */
    int highestRight(int fallback) {
        return blocks.isEmpty() ? fallback : blocks.get(blocks.size() - 1).right;
    }

    /** Up to {@code max} SACK blocks, most recently changed first (RFC 2018 section 4). */
    List<SackBlock> sackBlocks(int max) {
        if (blocks.isEmpty() || max <= 0) {
            return List.of();
        }
        List<Block> byRecency = new ArrayList<>(blocks);
        byRecency.sort((a, b) -> Long.compare(b.touched, a.touched));
        int n = Math.min(max, byRecency.size());
        SackBlock[] out = new SackBlock[n];
        for (int k = 0; k < n; k++) {
            out[k] = new SackBlock(byRecency.get(k).left, byRecency.get(k).right);
        }
        return List.of(out);
    }

    void clear() {
        blocks.clear();
    }
}
