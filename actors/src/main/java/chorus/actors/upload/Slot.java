package chorus.actors.upload;

import java.time.Instant;

/**
 * Permission to upload one file (XEP-0363 §4): its token is the secret part of both URLs.
 *
 * @param owner a one-way digest of the uploader's bare JID: files are counted per user without naming them
 */
public record Slot(String token, String owner, String filename, long size, String contentType, Instant expires) {
}
