package org.sockstack.drivers.fault;

/**
 * The Gilbert-Elliott burst-loss model: a two-state Markov chain (Gilbert 1960, Elliott 1963).
 * In the Good state frames are lost with probability {@code lossGood}, in the Bad state with
 * probability {@code lossBad}. Before each frame the chain moves Good to Bad with probability
 * {@code p} and Bad to Good with probability {@code r}, so bursts last {@code 1/r} frames on
 * average and the long-run share of time in Bad is {@code p / (p + r)}.
 *
 * <p>The plain Gilbert model is {@code lossGood = 0, lossBad = 1} ({@link #gilbert}).
 *
 * @param p        probability of moving Good to Bad before a frame
 * @param r        probability of moving Bad to Good before a frame
 * @param lossGood loss probability in the Good state (1 - k in the literature)
 * @param lossBad  loss probability in the Bad state (1 - h in the literature)
 */
public record GilbertElliott(double p, double r, double lossGood, double lossBad) {

    public GilbertElliott {
        Impairments.checkProbability("p", p);
        Impairments.checkProbability("r", r);
        Impairments.checkProbability("lossGood", lossGood);
        Impairments.checkProbability("lossBad", lossBad);
    }

    /** Gilbert's original model: nothing lost in Good, everything lost in Bad. */
    public static GilbertElliott gilbert(double p, double r) {
        return new GilbertElliott(p, r, 0, 1);
    }

    /** The long-run loss rate: {@code (r * lossGood + p * lossBad) / (p + r)}. */
    public double meanLossRate() {
        if (p + r == 0) {
            return lossGood;
        }
        return (r * lossGood + p * lossBad) / (p + r);
    }
}
