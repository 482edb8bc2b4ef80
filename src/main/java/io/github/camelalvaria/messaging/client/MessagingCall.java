package io.github.camelalvaria.messaging.client;

import io.github.camelalvaria.messaging.AlvariaOperation;
import io.github.camelalvaria.messaging.model.MessagingRequest;

/** One validated messaging call: where it goes, in which streaming session, and its JSON body. */
public record MessagingCall(AlvariaOperation operation, String userId, String sessionId, MessagingRequest body) {
}
