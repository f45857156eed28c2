package org.elasticsearch.node;

import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.ClasspathPluginsService;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.plugins.PluginsLoader;
import org.elasticsearch.plugins.PluginsService;

import java.util.Collection;
import java.util.List;

/**
 * A production {@link Node} whose plugins are classes on the classpath instead of folders under
 * {@code $ES_HOME/modules} and {@code $ES_HOME/plugins}.
 *
 * <p>It sits in {@code org.elasticsearch.node} because {@link NodeConstruction} and the
 * {@code Node(NodeConstruction)} constructor are package-private. On the classpath every jar is in
 * the unnamed module, so sharing the package with the server jar is allowed. This is what the test
 * framework's {@code MockNode} does, without the test framework: {@code MockNode} reads its
 * transport port range from {@code ESTestCase} (whose class initialiser runs the test bootstrap),
 * and the framework brings randomizedtesting onto the classpath, after which
 * {@code org.elasticsearch.common.Randomness} fails outside a test runner ("running tests but failed
 * to invoke RandomizedContext#getRandom" when the node generates its id).
 * Every service is the real one: {@link NodeServiceProvider} is used as is, only the plugins service
 * is replaced by {@link ClasspathPluginsService}, which instantiates the given plugin classes.
 */
public class EmbeddedNode extends Node {

    private final List<Class<? extends Plugin>> classpathPlugins;

    public EmbeddedNode(Environment environment, Collection<Class<? extends Plugin>> classpathPlugins) {
        super(NodeConstruction.prepareConstruction(environment, null, new ClasspathPluginsProvider(classpathPlugins), true));
        this.classpathPlugins = List.copyOf(classpathPlugins);
    }

    public List<Class<? extends Plugin>> classpathPlugins() {
        return classpathPlugins;
    }

    private static final class ClasspathPluginsProvider extends NodeServiceProvider {
        private final Collection<Class<? extends Plugin>> plugins;

        ClasspathPluginsProvider(Collection<Class<? extends Plugin>> plugins) {
            this.plugins = plugins;
        }

        @Override
        PluginsService newPluginService(Environment environment, PluginsLoader pluginsLoader) {
            return new ClasspathPluginsService(environment.settings(), environment, plugins);
        }
    }
}
