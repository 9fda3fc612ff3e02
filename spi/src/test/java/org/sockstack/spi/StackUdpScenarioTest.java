package org.sockstack.spi;

/** The UDP scenarios over two user-space stacks joined by a channel-device pair. */
class StackUdpScenarioTest extends UdpScenarios {
    @Override
    TestNetworks.Env newEnv() {
        return TestNetworks.stacks();
    }
}
