package chorus.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * chorusctl export and import: the domain's accounts in XEP-0227's portable format, through the running node (which
 * builds imported accounts the way it builds any account). An export holds SCRAM keys: its file is its owner's only.
 */
final class PortableCommands {
    /** Big servers take a while; the node streams the whole time. */
    static final Duration TIMEOUT = Duration.ofHours(12);
    private static final Pattern INCLUDE = Pattern.compile("<(?:[A-Za-z_][\\w.-]*:)?include\\b[^>]*\\bhref\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final byte[] USER = "<user name=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "</server-data>".getBytes(StandardCharsets.US_ASCII);

    private PortableCommands() {
    }

    @Command(name = "export", description = "Write every account (SCRAM keys, roster, vCard, private XML, block list, "
        + "PEP nodes, offline messages) to FILE as an XEP-0227 document. The file is readable by its owner only.")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "FILE") Path file;
        @Option(names = "--force", description = "replace FILE if it exists") boolean force;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Chorusctl.Endpoint endpoint = Chorusctl.root(spec).endpoint();
            HttpResponse<InputStream> resp = send(endpoint, endpoint.request("/v1/export", TIMEOUT).GET().build());
            if (resp.statusCode() != 200) {
                throw new Chorusctl.Failure(errorOf(resp));
            }
            if (force) {
                Files.deleteIfExists(file);
            }
            OutputStream out;
            try {
                out = Files.newOutputStream(Files.createFile(file,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                resp.body().close();
                throw new Chorusctl.Failure(file + " exists (--force replaces it)");
            }
            long users = 0;
            byte[] tail = new byte[0];
            try (InputStream in = resp.body(); out) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    byte[] window = new byte[tail.length + n];
                    System.arraycopy(tail, 0, window, 0, tail.length);
                    System.arraycopy(buf, 0, window, tail.length, n);
                    users += count(window, USER, tail.length);
                    tail = java.util.Arrays.copyOfRange(window, Math.max(0, window.length - 32), window.length);
                }
            }
            if (!new String(tail, StandardCharsets.UTF_8).strip().endsWith(new String(END, StandardCharsets.UTF_8))) {
                Files.deleteIfExists(file);
                throw new Chorusctl.Failure("the export was cut short (see the node's log); nothing was kept");
            }
            spec.commandLine().getOut().println("exported " + users + " account(s) to " + file);
            return 0;
        }
    }

    @Command(name = "import", description = "Import XEP-0227 documents (files, or directories of .xml files, as Prosody's "
        + "migrator and ejabberd's export_piefxis write them; XInclude'd files are followed). Accounts that exist are "
        + "left as they are.")
    static final class Import implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @Parameters(arity = "1..*", paramLabel = "PATH") List<Path> paths;

        @Override
        public Integer call() throws IOException, InterruptedException {
            Chorusctl.Endpoint endpoint = Chorusctl.root(spec).endpoint();
            PrintWriter out = spec.commandLine().getOut();
            int imported = 0;
            for (Path f : files(paths)) {
                HttpResponse<InputStream> resp = send(endpoint, endpoint.request("/v1/import", TIMEOUT)
                    .header("Content-Type", "application/xml")
                    .POST(HttpRequest.BodyPublishers.ofFile(f)).build());
                JsonNode r;
                try (InputStream in = resp.body()) {
                    r = new ObjectMapper().readTree(in);
                }
                if (resp.statusCode() != 200) {
                    throw new Chorusctl.Failure(f + ": " + r.path("error").asText("status " + resp.statusCode()));
                }
                imported += r.path("imported").asInt();
                out.printf("%s: %d user(s): %d imported, %d existed already, %d left out; %d offline message(s) (%d expired)%n",
                    f, r.path("users").asInt(), r.path("imported").asInt(), r.path("existing").asInt(),
                    r.path("skipped").asInt(), r.path("offline").asInt(), r.path("expired").asInt());
                for (JsonNode note : r.path("notes")) {
                    if (!note.asText().startsWith("the document includes")) {
                        out.println("  " + note.asText());
                    }
                }
            }
            out.println("imported " + imported + " account(s)");
            return 0;
        }
    }

    /** The files to send: each given file and what it XIncludes (relative to it), each directory's .xml files. */
    static List<Path> files(List<Path> paths) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        List<Path> todo = new ArrayList<>(paths);
        while (!todo.isEmpty()) {
            Path p = todo.remove(0).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".xml")).sorted().forEach(todo::add);
                }
                continue;
            }
            if (!Files.isRegularFile(p)) {
                throw new Chorusctl.Failure(p + ": no such file");
            }
            if (out.add(p)) {
                // Includes sit at the top of a document (ejabberd's main file holds nothing else).
                String head;
                try (InputStream in = Files.newInputStream(p)) {
                    head = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
                }
                Matcher m = INCLUDE.matcher(head);
                while (m.find()) {
                    todo.add(p.resolveSibling(m.group(1)));
                }
            }
        }
        return List.copyOf(out);
    }

    private static HttpResponse<InputStream> send(Chorusctl.Endpoint endpoint, HttpRequest request)
        throws IOException, InterruptedException {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw Chorusctl.notRunning(endpoint);
        }
    }

    private static String errorOf(HttpResponse<InputStream> resp) throws IOException {
        try (InputStream in = resp.body()) {
            return new ObjectMapper().readTree(in).path("error").asText("request failed with status " + resp.statusCode());
        } catch (IOException e) {
            return "request failed with status " + resp.statusCode();
        }
    }

    /** Occurrences of {@code what} in {@code b} that end after {@code from} (the part not counted before). */
    static int count(byte[] b, byte[] what, int from) {
        int n = 0;
        for (int i = 0; i + what.length <= b.length; i++) {
            if (i + what.length > from && java.util.Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                n++;
            }
        }
        return n;
    }
}
