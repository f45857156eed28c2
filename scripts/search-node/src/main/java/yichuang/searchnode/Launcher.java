package yichuang.searchnode;

import org.elasticsearch.Build;
import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.node.EmbeddedNode;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.transport.netty4.Netty4Plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real single-node Elasticsearch in this JVM and keeps it running until the process is
 * told to stop (SIGTERM / SIGINT / Ctrl-C), then closes the node cleanly.
 *
 * <pre>
 * java -cp 'target/search-node.jar:target/lib/*' yichuang.searchnode.Launcher \
 *     --port 9200 --data /tmp/es-data [--host 127.0.0.1] [--transport-port 0] \
 *     [--cluster-name search-node] [--log-level info] [--setting key=value ...] [--delete-data-on-exit]
 *     [--pid-file FILE]
 * </pre>
 *
 * Without {@code --data} a temporary folder is made and deleted when the node stops.
 */
public final class Launcher {

    /** The plugins the node loads from the classpath (a distribution loads ~40 modules from disk). */
    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,             // HTTP and transport
        RootEndpointPlugin.class,       // GET / and HEAD / (module rest-root)
        WhitespaceAnalysisPlugin.class  // whitespace and keyword tokenizers (module analysis-common)
    );

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        String port = "9200";
        String transportPort = "0";
        String clusterName = "search-node";
        String nodeName = "search-node";
        String logLevel = "info";
        Path data = null;
        boolean deleteOnExit = false;
        Path pidFile = null;
        List<String> extra = new ArrayList<>();

        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--host" -> host = value(args, ++i, a);
                case "--port" -> port = value(args, ++i, a);
                case "--transport-port" -> transportPort = value(args, ++i, a);
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "--cluster-name" -> clusterName = value(args, ++i, a);
                case "--node-name" -> nodeName = value(args, ++i, a);
                case "--log-level" -> logLevel = value(args, ++i, a);
                case "--setting", "-E" -> extra.add(value(args, ++i, a));
                case "--delete-data-on-exit" -> deleteOnExit = true;
                case "--pid-file" -> pidFile = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown argument: " + a);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (data == null) {
            data = Files.createTempDirectory("search-node-");
            deleteOnExit = true;
        }
        data = data.toAbsolutePath();

        Path home = data.resolve("home");
        for (Path p : List.of(home.resolve("config"), home.resolve("plugins"), home.resolve("modules"), data.resolve("data"), data.resolve("logs"))) {
            Files.createDirectories(p);
        }

        Settings.Builder builder = Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", data.resolve("data").toString())
            .put("path.logs", data.resolve("logs").toString())
            .put("cluster.name", clusterName)
            .put("node.name", nodeName)
            .put("discovery.type", "single-node")
            .put("network.host", host)
            .put("http.port", port)
            .put("transport.port", transportPort)
            // tests and CI: no disk watermarks (a nearly full disk must not make indices read-only)
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            // tests may delete indices by wildcard
            .put("action.destructive_requires_name", false)
            .put("logger.level", logLevel);
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--setting wants key=value, got: " + kv);
            }
            builder.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Settings settings = builder.build();

        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.setClusterName(clusterName);
        LogConfigurator.configureESLogging();
        LogConfigurator.configureWithoutConfig(settings);

        final Path dataDir = data;
        final boolean delete = deleteOnExit;
        final Path pidPath = pidFile;
        if (pidPath != null) {
            Files.createDirectories(pidPath.getParent());
            Files.writeString(pidPath, ProcessHandle.current().pid() + "\n");
        }
        Runnable cleanup = () -> {
            if (delete) {
                deleteRecursively(dataDir);
            }
            if (pidPath != null) {
                try {
                    Files.deleteIfExists(pidPath);
                } catch (IOException ignored) {}
            }
        };

        long t0 = System.nanoTime();
        Node node;
        try {
            Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> settings.get("node.name"));
            node = new EmbeddedNode(environment, PLUGINS);
        } catch (Throwable t) {
            System.err.println("search-node: could not build the node");
            t.printStackTrace();
            cleanup.run();
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                cleanup.run();
                stopped.countDown();
            }
        }, "search-node-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("search-node: could not start the node");
            t.printStackTrace();
            System.exit(1); // the shutdown hook closes the node and cleans up
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("search-node: Elasticsearch " + Build.current().version() + " started in " + ms + " ms on http://" + host + ":" + port
            + " (data " + data + ")");
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("""
            usage: Launcher [--port 9200] [--data DIR] [--host 127.0.0.1] [--transport-port 0]
                            [--cluster-name search-node] [--node-name search-node] [--log-level info]
                            [--setting key=value]... [--delete-data-on-exit] [--pid-file FILE]
            Without --data a temporary folder is used and deleted on exit.""");
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
