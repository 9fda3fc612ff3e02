package org.sockstack.spi.provider;

import org.sockstack.spi.wsa.WsaError;

/**
 * Checks the flow specifications of WSAConnect (qos.h FLOWSPEC), the part both base providers
 * share. A backend that can honour a sending flow spec does it as send pacing
 * ({@link NetStreamSocket#setSendPacing}); one that cannot answers WSAEOPNOTSUPP, as Windows
 * does for a provider without XP1_QOS_SUPPORTED ("the FLOWSPEC structures ... cannot be
 * satisfied").
 * <ul>
 *   <li>ServiceType (without the SERVICE_NO_QOS_SIGNALING flag) must be one qos.h defines:
 *       else WSA_QOS_ESERVICETYPE; of those, best effort, controlled load and guaranteed are
 *       offered (guaranteed as pacing only: nothing reserves capacity on the path),
 *       SERVICETYPE_NOTRAFFIC and SERVICETYPE_NOCHANGE leave the direction unpaced, the rest
 *       (network unavailable, general information, non-conforming, network control,
 *       qualitative) are WSA_QOS_ESERVICETYPE.</li>
 *   <li>TokenRate, TokenBucketSize and PeakBandwidth are octets (per second) or
 *       QOS_NOT_SPECIFIED (-1); a paced direction needs a token rate and a bucket size; a peak
 *       below the token rate is WSA_QOS_EFLOWSPEC, as are other negative values.</li>
 *   <li>Provider-specific objects are not understood: WSA_QOS_EPROVSPECBUF.</li>
 * </ul>
 */
public final class QosPolicy {
    public static final int QOS_NOT_SPECIFIED = -1;
    public static final int SERVICETYPE_NOTRAFFIC = 0x00000000;
    public static final int SERVICETYPE_BESTEFFORT = 0x00000001;
    public static final int SERVICETYPE_CONTROLLEDLOAD = 0x00000002;
    public static final int SERVICETYPE_GUARANTEED = 0x00000003;
    public static final int SERVICETYPE_NETWORK_UNAVAILABLE = 0x00000004;
    public static final int SERVICETYPE_GENERAL_INFORMATION = 0x00000005;
    public static final int SERVICETYPE_NOCHANGE = 0x00000006;
    public static final int SERVICETYPE_NONCONFORMING = 0x00000009;
    public static final int SERVICETYPE_NETWORK_CONTROL = 0x0000000A;
    public static final int SERVICETYPE_QUALITATIVE = 0x0000000D;
    public static final int SERVICE_NO_QOS_SIGNALING = 0x40000000;

    private QosPolicy() {
    }

    /** 0, or the WSA_QOS_* code that rejects {@code qos}. */
    public static int validate(Qos qos) {
        if (qos.providerSpecific() != null && qos.providerSpecific().length > 0) {
            return WsaError.WSA_QOS_EPROVSPECBUF;
        }
        for (Qos.Flowspec f : new Qos.Flowspec[] {qos.sending(), qos.receiving()}) {
            int e = f == null ? 0 : validate(f);
            if (e != 0) {
                return e;
            }
        }
        return 0;
    }

    private static int validate(Qos.Flowspec f) {
        int type = f.serviceType() & ~SERVICE_NO_QOS_SIGNALING;
        switch (type) {
            case SERVICETYPE_NOTRAFFIC, SERVICETYPE_NOCHANGE -> {
                return 0;
            }
            case SERVICETYPE_BESTEFFORT, SERVICETYPE_CONTROLLEDLOAD, SERVICETYPE_GUARANTEED -> {
                // offered: checked below
            }
            default -> {
                return WsaError.WSA_QOS_ESERVICETYPE;
            }
        }
        if (f.tokenRate() < QOS_NOT_SPECIFIED || f.tokenBucketSize() < QOS_NOT_SPECIFIED
                || f.peakBandwidth() < QOS_NOT_SPECIFIED) {
            return WsaError.WSA_QOS_EFLOWSPEC;
        }
        if (type != SERVICETYPE_BESTEFFORT && (f.tokenRate() <= 0 || f.tokenBucketSize() <= 0)) {
            return WsaError.WSA_QOS_EFLOWSPEC;
        }
        if (f.peakBandwidth() > 0 && f.tokenRate() > 0 && f.peakBandwidth() < f.tokenRate()) {
            return WsaError.WSA_QOS_EFLOWSPEC;
        }
        return 0;
    }

    /** True if {@code f} asks for pacing: a service that is offered, with a token rate and bucket. */
    public static boolean paces(Qos.Flowspec f) {
        if (f == null) {
            return false;
        }
        int type = f.serviceType() & ~SERVICE_NO_QOS_SIGNALING;
        return (type == SERVICETYPE_BESTEFFORT || type == SERVICETYPE_CONTROLLEDLOAD || type == SERVICETYPE_GUARANTEED)
                && f.tokenRate() > 0 && f.tokenBucketSize() > 0;
    }
}
