package io.bgfetch.protocol;

/**
 * One request of a fetch as the user gave it: a URL with optional per-request keys
 * from an {@code --input} line.
 *
 * @param url       an absolute http or https URL
 * @param sha256    expected SHA-256 of the body as lowercase hex, or null when none was given
 *                  ({@code integrity=sha256-<base64>} is converted to hex by the parser)
 * @param out       the file name to use under {@code --dest}, or null to derive one from the URL
 */
public record RequestSpec(String url, String sha256, String out) {
}
