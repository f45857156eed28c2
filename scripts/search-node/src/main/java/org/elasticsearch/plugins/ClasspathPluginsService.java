package org.elasticsearch.plugins;

import org.elasticsearch.Build;
import org.elasticsearch.action.admin.cluster.node.info.PluginsAndModules;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.plugins.spi.SPIClassIterator;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link PluginsService} whose plugins are classes already on the classpath (one class loader for
 * all), instead of bundles under {@code modules/} and {@code plugins/}.
 *
 * <p>It does what {@code org.elasticsearch.plugins.MockPluginsService} of the test framework does,
 * without the test framework: that jar brings randomizedtesting onto the classpath, and then
 * {@code org.elasticsearch.common.Randomness} believes it runs inside a test and fails outside one.
 * It sits in {@code org.elasticsearch.plugins} for the package-private {@link PluginsLoader}
 * constructor, {@link LoadedPlugin}, {@code loadPlugin} and {@code loadExtensions}.
 */
public class ClasspathPluginsService extends PluginsService {

    private final List<LoadedPlugin> classpathPlugins;

    public ClasspathPluginsService(Settings settings, Environment environment, Collection<Class<? extends Plugin>> pluginClasses) {
        super(settings, environment.configDir(), new PluginsLoader(Set.of(), Set.of(), Map.of()));
        List<LoadedPlugin> loaded = new ArrayList<>();
        for (Class<? extends Plugin> pluginClass : pluginClasses) {
            Plugin plugin = loadPlugin(pluginClass, settings, environment.configDir());
            PluginDescriptor descriptor = new PluginDescriptor(
                pluginClass.getName(),
                "classpath plugin",
                "NA",
                Build.current().version(),
                Integer.toString(Runtime.version().feature()),
                pluginClass.getName(),
                null,
                List.of(),
                false,
                false,
                false,
                false
            );
            loaded.add(new LoadedPlugin(descriptor, plugin, ClasspathPluginsService.class.getClassLoader()));
        }
        loadExtensions(loaded);
        this.classpathPlugins = List.copyOf(loaded);
    }

    @Override
    protected final List<LoadedPlugin> plugins() {
        return classpathPlugins;
    }

    @Override
    public PluginsAndModules info() {
        return new PluginsAndModules(classpathPlugins.stream().map(LoadedPlugin::descriptor).map(PluginRuntimeInfo::new).toList(), List.of());
    }

    /**
     * All plugins share the application class loader, so a provider listed in META-INF/services is
     * seen from every plugin: make each provider class once, with the plugin its constructor asks
     * for (if it asks for one).
     */
    @Override
    public <T> List<? extends T> loadServiceProviders(Class<T> service) {
        Map<Class<?>, T> result = new LinkedHashMap<>();
        List<Class<? extends T>> classes = new ArrayList<>();
        SPIClassIterator.get(service, ClasspathPluginsService.class.getClassLoader()).forEachRemaining(classes::add);
        for (LoadedPlugin loadedPlugin : plugins()) {
            Plugin plugin = loadedPlugin.instance();
            for (Class<? extends T> clazz : classes) {
                if (result.containsKey(clazz) || takesAnotherPlugin(clazz, plugin)) {
                    continue;
                }
                result.put(clazz, createExtension(clazz, service, plugin));
            }
        }
        return List.copyOf(result.values());
    }

    private static boolean takesAnotherPlugin(Class<?> clazz, Plugin plugin) {
        for (Constructor<?> c : clazz.getConstructors()) {
            if (c.getParameterCount() == 1 && c.getParameterTypes()[0] != plugin.getClass()) {
                return true;
            }
        }
        return false;
    }
}
