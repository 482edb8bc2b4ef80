package io.github.camelalvaria.messaging;

import java.util.Map;

/** Bad input found before anything was sent: {@link #getField()} names the option, header or body field at fault. */
public class AlvariaValidationException extends AlvariaPermanentException {

    private static final long serialVersionUID = 1L;

    private final String field;

    public AlvariaValidationException(String operation, String field, String problem) {
        super("Invalid " + field + " for alvaria-messaging:" + operation + ": " + problem + " (nothing was sent)",
              operation, "alvaria-messaging:" + operation, 0, "Invalid input", Map.of(), null, null, null);
        this.field = field;
    }

    /** The name of the option, header or API body field that is missing or invalid. */
    public String getField() {
        return field;
    }
}
