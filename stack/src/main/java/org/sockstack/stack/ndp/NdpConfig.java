package org.sockstack.stack.ndp;

/**
 * Settings of Neighbor Discovery and address autoconfiguration on an interface.
 *
 * @param dupAddrDetectTransmits Neighbor Solicitations sent by DAD per address (RFC 4862 5.1,
 *                               default 1; 0 disables DAD)
 * @param routerSolicitations    send Router Solicitations when the interface starts (RFC 4861 6.3.7)
 * @param autoconf               form addresses from Router Advertisement prefixes with the A flag
 *                               (RFC 4862 5.5.3)
 * @param stableIids             use RFC 7217 stable opaque interface identifiers instead of the
 *                               modified EUI-64 one (RFC 4291 appendix A)
 * @param secretKey              RFC 7217 secret (at least 128 bits); null: drawn from the stack's
 *                               seeded generator when the interface starts
 * @param networkId              RFC 7217 Network_ID (e.g. an SSID), may be empty
 * @param maxRouters             default router list bound
 * @param maxPrefixes            prefix list bound (on-link prefixes from RAs)
 * @param maxAutoconfAddresses   bound on addresses formed by SLAAC
 */
public record NdpConfig(int dupAddrDetectTransmits, boolean routerSolicitations, boolean autoconf, boolean stableIids,
                        byte[] secretKey, String networkId, int maxRouters, int maxPrefixes,
                        int maxAutoconfAddresses) {

    public static final NdpConfig DEFAULT = new NdpConfig(1, true, true, false, null, "", 16, 16, 16);

    public NdpConfig {
        if (dupAddrDetectTransmits < 0 || maxRouters < 1 || maxPrefixes < 1 || maxAutoconfAddresses < 1) {
            throw new IllegalArgumentException("NDP bounds must be positive");
        }
        networkId = networkId == null ? "" : networkId;
    }

    public NdpConfig withDupAddrDetectTransmits(int n) {
        return new NdpConfig(n, routerSolicitations, autoconf, stableIids, secretKey, networkId, maxRouters,
                maxPrefixes, maxAutoconfAddresses);
    }

    public NdpConfig withRouterSolicitations(boolean on) {
        return new NdpConfig(dupAddrDetectTransmits, on, autoconf, stableIids, secretKey, networkId, maxRouters,
                maxPrefixes, maxAutoconfAddresses);
    }

    /** RFC 7217 stable opaque interface identifiers with this secret. */
    public NdpConfig withStableIids(byte[] secret, String networkId) {
        return new NdpConfig(dupAddrDetectTransmits, routerSolicitations, autoconf, true, secret.clone(), networkId,
                maxRouters, maxPrefixes, maxAutoconfAddresses);
    }
}
