package org.sockstack.spi;

/** The UDP scenarios over the host stack (loopback). */
class HostUdpScenarioTest extends UdpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.host();
    }
}
