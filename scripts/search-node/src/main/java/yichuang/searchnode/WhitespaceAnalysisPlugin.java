package yichuang.searchnode;

import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.List;

/**
 * The server jar has the built-in analyzers {@code whitespace}, {@code keyword}, {@code simple},
 * {@code stop} and {@code standard}, but of the tokenizers only {@code standard}: the others live
 * in the {@code analysis-common} module, which Maven Central does not publish for 8.x. This adds the
 * {@code whitespace} and {@code keyword} tokenizers (without parameters), so that custom analyzers
 * such as {@code {"tokenizer": "whitespace", "filter": ["lowercase"]}} work as on a full
 * distribution ({@code lowercase} is in the server).
 */
public class WhitespaceAnalysisPlugin extends Plugin implements AnalysisPlugin {
    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new)
        );
    }
}
