package org.sockstack.spi;

/** The TCP scenarios over the host stack (loopback). */
class HostTcpScenarioTest extends TcpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.host();
    }
}
