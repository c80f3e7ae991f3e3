package org.bip324shaper.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.bip324shaper.agent.config.AgentConfig;
import org.bip324shaper.agent.config.ParsedConfig;
import org.bip324shaper.agent.events.ConnectionEventHub;
import org.bip324shaper.agent.events.ConnectionLogLines;
import org.bip324shaper.agent.jmx.AgentStatus;
import org.bip324shaper.agent.log.AgentLog;
import org.bip324shaper.agent.log.LogFormat;
import org.bip324shaper.agent.proxy.Socks5Proxy;
import org.bip324shaper.agent.v2.V2UpstreamConnector;

/** {@code java -jar bip324-agent.jar proxy [--listen HOST:PORT] [--upstream-socks HOST:PORT] [--allow-remote] ...}. */
final class ProxyCommand {

    static final String ALLOW_REMOTE = "--allow-remote";

    /** A started proxy and the hub its events go to. */
    record Running(Socks5Proxy proxy, ConnectionEventHub events, AgentConfig config) {
    }

    private ProxyCommand() {
    }

    /**
     * Starts the proxy from the command line and this JVM's settings.
     *
     * @throws IllegalArgumentException a bad command line or a refused listen address
     */
    static Running start(List<String> args, PrintStream err) throws IOException {
        OptionFlags.Parsed flags = OptionFlags.parse(args);
        boolean allowRemote = false;
        for (String arg : flags.rest()) {
            if (arg.equals(ALLOW_REMOTE)) {
                allowRemote = true;
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        ParsedConfig parsed = org.bip324shaper.agent.config.AgentConfigParser.parseWithSystemSettings(
                flags.agentArgs());
        AgentConfig config = parsed.config();
        AgentLog log = AgentLog.to(config.logSink(), config.logLevel());
        for (String problem : parsed.problems()) {
            log.warn("config: " + problem);
        }
        ConnectionEventHub events = new ConnectionEventHub(new ConnectionLogLines(log));
        Socks5Proxy proxy = Socks5Proxy.start(config.proxyListen(), allowRemote,
                new V2UpstreamConnector(config, log, events), config.upstreamSocks(), log, events);
        if (config.jmx()) { // only once listening: a refused start leaves nothing registered
            AgentStatus status = new AgentStatus("proxy", config.toAgentArgs());
            events.subscribe(status);
            AgentStatus.registerPlatform(status, log);
        }
        log.info("SOCKS5 proxy listening on " + LogFormat.address(proxy.address()) + ": " + config.toAgentArgs()
                + config.upstreamSocks().map(u -> " (peers dialed through " + LogFormat.address(u) + ")")
                        .orElse(""));
        return new Running(proxy, events, config);
    }

    /** Runs until the JVM is stopped (Ctrl-C). */
    static int run(List<String> args, PrintStream err) {
        Running running;
        try {
            running = start(args, err);
        } catch (IllegalArgumentException | IOException e) {
            err.println("proxy: " + e.getMessage());
            return AgentCli.ERROR;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(running.proxy()::close, "bip324-proxy-stop"));
        Object forever = new Object();
        synchronized (forever) {
            while (true) {
                try {
                    forever.wait();
                } catch (InterruptedException e) {
                    running.proxy().close();
                    return AgentCli.OK;
                }
            }
        }
    }
}
