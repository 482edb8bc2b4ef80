package io.github.camelalvaria.messaging.client;

import java.nio.charset.StandardCharsets;

/** Percent-encodes a value as one URI path segment, so {@code /}, {@code ..}, {@code ?} or spaces cannot move a request. */
public final class PathSegment {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathSegment() {
    }

    public static String encode(String value) {
        StringBuilder encoded = new StringBuilder(value.length() + 8);
        // "." and ".." are unreserved but would be resolved as relative segments, so they are encoded too
        boolean onlyDots = value.chars().allMatch(c -> c == '.');
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isUnreserved(c) && !(onlyDots && c == '.')) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        return encoded.toString();
    }

    private static boolean isUnreserved(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
               || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
