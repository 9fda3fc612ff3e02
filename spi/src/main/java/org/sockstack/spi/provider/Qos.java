package org.sockstack.spi.provider;

/** QOS: a flow specification per direction plus provider-specific bytes. */
public record Qos(Flowspec sending, Flowspec receiving, byte[] providerSpecific) {
    /** FLOWSPEC. */
    public record Flowspec(int tokenRate, int tokenBucketSize, int peakBandwidth, int latency, int delayVariation,
                           int serviceType, int maxSduSize, int minimumPolicedSize) { }
}
