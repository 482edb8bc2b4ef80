package io.github.camelalvaria.messaging.simulator;

import java.util.Random;

/**
 * The active faults and the random source their draws come from, replaced whole when the faults change. A draw is
 * taken only for a fault that is switched on, so a seeded run repeats for a sequential client.
 */
record FaultDice(Faults faults, Random random) {

    enum Fate { ANSWER, TOO_MANY_REQUESTS, SERVER_ERROR, UNAVAILABLE, DROP_CONNECTION, DROP_AFTER_ACCEPT }

    record Decision(Fate fate, long delayMillis) {
    }

    private static final Decision ANSWER_AT_ONCE = new Decision(Fate.ANSWER, 0);

    static FaultDice of(Faults faults) {
        return new FaultDice(faults, faults.seed() == null ? new Random() : new Random(faults.seed()));
    }

    Decision forMessagingCall() {
        long delay = faults.latencyMillis() + (chance(faults.latencySpikeShare()) ? faults.latencySpikeMillis() : 0);
        Fate fate = drawFate();
        return fate == Fate.ANSWER && delay == 0 ? ANSWER_AT_ONCE : new Decision(fate, delay);
    }

    boolean tokenUnavailable() {
        return chance(faults.tokenUnavailableShare());
    }

    boolean tokenExpiresEarly() {
        return chance(faults.earlyTokenExpiryShare());
    }

    /** One draw mapped onto the call-fault shares laid end to end. */
    private Fate drawFate() {
        double total = faults.tooManyRequestsShare() + faults.serverErrorShare() + faults.unavailableShare()
                + faults.dropConnectionShare() + faults.dropAfterAcceptShare();
        if (total == 0) {
            return Fate.ANSWER;
        }
        double draw = random.nextDouble();
        double bound = faults.tooManyRequestsShare();
        if (draw < bound) {
            return Fate.TOO_MANY_REQUESTS;
        }
        bound += faults.serverErrorShare();
        if (draw < bound) {
            return Fate.SERVER_ERROR;
        }
        bound += faults.unavailableShare();
        if (draw < bound) {
            return Fate.UNAVAILABLE;
        }
        bound += faults.dropConnectionShare();
        if (draw < bound) {
            return Fate.DROP_CONNECTION;
        }
        bound += faults.dropAfterAcceptShare();
        return draw < bound ? Fate.DROP_AFTER_ACCEPT : Fate.ANSWER;
    }

    private boolean chance(double share) {
        return share > 0 && random.nextDouble() < share;
    }
}
