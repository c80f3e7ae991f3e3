package org.bip324shaper.agent.it;

/** A program that waits and never connects: the agent's warm-up must still ready the connect path. */
public final class IdleMain {
    private IdleMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("DONE");
    }
}
