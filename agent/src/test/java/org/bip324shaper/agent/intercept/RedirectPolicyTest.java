package org.bip324shaper.agent.intercept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.bip324shaper.agent.intercept.RedirectDecision.Pass;
import org.bip324shaper.agent.intercept.RedirectDecision.Reason;
import org.bip324shaper.agent.intercept.RedirectDecision.Redirect;
import org.junit.jupiter.api.Test;

class RedirectPolicyTest {

    private static final BooleanSupplier DIRECT = () -> false;
    private static final BooleanSupplier PROXIED = () -> true;
    private static final InetSocketAddress BRIDGE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8333);

    private final RedirectPolicy policy = new RedirectPolicy(Set.of(8333, 18444), false, a -> false);
    private final RedirectPolicy withLoopback = new RedirectPolicy(Set.of(8333, 18444), true, BRIDGE::equals);

    private static InetSocketAddress at(String literal, int port) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(literal), port);
    }

    private static Reason passReason(RedirectDecision decision) {
        return ((Pass) decision).reason();
    }

    @Test
    void selectedPortOnAPublicAddressIsRedirectedToThatPeer() throws UnknownHostException {
        InetSocketAddress peer = at("203.0.113.5", 8333);
        assertEquals(new Redirect(peer), policy.decide(peer, DIRECT));
        InetSocketAddress v6 = at("2001:db8::5", 18444);
        assertEquals(new Redirect(v6), policy.decide(v6, DIRECT));
    }

    @Test
    void otherPortsPass() throws UnknownHostException {
        assertEquals(Reason.PORT_NOT_SELECTED, passReason(policy.decide(at("203.0.113.5", 443), DIRECT)));
        assertEquals(Reason.PORT_NOT_SELECTED, passReason(policy.decide(at("203.0.113.5", 8334), DIRECT)));
    }

    @Test
    void unresolvedAddressesPass() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("seed.bitcoin.example", 8333);
        assertEquals(Reason.UNRESOLVED, passReason(policy.decide(unresolved, DIRECT)));
    }

    @Test
    void nonInetAddressesPass() {
        assertEquals(Reason.NOT_INET, passReason(policy.decide(UnixDomainSocketAddress.of("/tmp/x.sock"), DIRECT)));
        assertEquals(Reason.NOT_INET, passReason(policy.decide(null, DIRECT)));
    }

    @Test
    void loopbackAndWildcardPassUnlessEnabled() throws UnknownHostException {
        for (String local : new String[] {"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::"}) {
            InetSocketAddress target = at(local, 8333);
            assertEquals(Reason.LOOPBACK_NOT_ENABLED, passReason(policy.decide(target, DIRECT)), local);
            InetSocketAddress otherPort = at(local, 18444);
            assertEquals(new Redirect(otherPort), withLoopback.decide(otherPort, DIRECT), local);
        }
    }

    @Test
    void loopbackIsRedirectedWhenEnabled() throws UnknownHostException {
        InetSocketAddress localNode = at("127.0.0.1", 18444);
        assertEquals(new Redirect(localNode), withLoopback.decide(localNode, DIRECT));
    }

    @Test
    void proxiedSocketsPass() throws UnknownHostException {
        assertEquals(Reason.PROXIED, passReason(policy.decide(at("203.0.113.5", 8333), PROXIED)));
        assertEquals(Reason.PROXIED, passReason(withLoopback.decide(at("127.0.0.1", 18444), PROXIED)));
    }

    @Test
    void theBridgeItselfIsNeverRedirected() {
        assertEquals(Reason.BRIDGE_ITSELF, passReason(withLoopback.decide(BRIDGE, DIRECT)));
    }

    @Test
    void proxyQuestionIsOnlyAskedForOtherwiseRedirectableConnects() throws UnknownHostException {
        AtomicBoolean asked = new AtomicBoolean();
        BooleanSupplier spy = () -> {
            asked.set(true);
            return false;
        };
        policy.decide(at("203.0.113.5", 443), spy);
        policy.decide(at("127.0.0.1", 8333), spy);
        policy.decide(InetSocketAddress.createUnresolved("example.org", 8333), spy);
        assertFalse(asked.get(), "every connect passes through the policy: the costly check must come last");
        policy.decide(at("203.0.113.5", 8333), spy);
        assertTrue(asked.get());
    }
}
