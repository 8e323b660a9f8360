package io.llmtestbench.pipeline;

import static io.llmtestbench.pipeline.EvalSummaryTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmtestbench.pipeline.internal.Html;
import io.llmtestbench.pipeline.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report's content and escaping (the browser test, cli ReportIT, checks how it renders). */
class HtmlReportTest {
    static final String XSS = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>";

    @TempDir
    Path dir;

    /** A batch whose texts, names and ids all try to inject markup. */
    static String render() throws Exception {
        List<EvalSummary.Stage> stages = List.of(new EvalSummary.Stage("evaluators[0]", "evaluator", "ev\"<b>"));
        EvalSummary s = new EvalSummary(stages, null, BaselineComparison.of("base<i>.jsonl",
                List.of(result("{\"line\":1,\"id\":\"<u>id</u>\",\"status\":\"kept\",\"scores\":{\"ev\\\"<b>\":1.0},\"passed\":{\"ev\\\"<b>\":true}}"))));
        ObjectNode record = (ObjectNode) Json.parse("record", "{\"id\":\"<u>id</u>\",\"category\":\"<em>cat</em>\",\"prompt\":"
                + Json.mapper().writeValueAsString(XSS) + ",\"response\":" + Json.mapper().writeValueAsString(XSS) + ",\"expected\":\"</pre></dd>&amp;\"}");
        RecordResult r = new RecordResult(1, record.get("id"), record);
        r.category = record.get("category");
        r.status = RecordResult.Status.FILTERED;
        r.text = XSS.toLowerCase();
        r.scores.put("ev\"<b>", 0.25);
        r.passed.put("ev\"<b>", false);
        r.stages.add(new RecordResult.StageRun("evaluators[0]", "evaluator", "ev\"<b>", 0.5, 1234, true));
        s.add(r);
        RecordResult f = result("{\"line\":2,\"id\":\"f<1>\",\"category\":\"<em>cat</em>\",\"status\":\"failed\",\"error\":{\"stage\":\"evaluator\","
                + "\"where\":\"evaluators[0]\",\"plugin\":\"ev\\\"<b>\",\"kind\":\"TRAP\",\"message\":\"trapped: <script>x</script>\"},\"scores\":{},"
                + "\"stages\":[{\"where\":\"evaluators[0]\",\"stage\":\"evaluator\",\"plugin\":\"ev\\\"<b>\",\"time_ms\":2.5,\"fuel\":99,\"ok\":false}]}");
        s.add(f);
        ObjectNode info = Json.object();
        info.put("pipeline", "p<script>.json").put("pipeline_name", "<script>name</script>").put("data", "d.jsonl").putNull("out");
        return HtmlReport.render(s, s.json(info, 1));
    }

    @Test
    void untrustedTextIsShownAsTextNeverAsMarkup() throws Exception {
        String html = render();
        assertThat(html).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("<img").doesNotContain("<u>", "<em>", "<b>", "<i>");
        assertThat(html).contains(Html.escape(XSS), "&lt;u&gt;id&lt;/u&gt;", "&lt;em&gt;cat&lt;/em&gt;", "ev&quot;&lt;b&gt;",
                "&lt;/pre&gt;&lt;/dd&gt;&amp;amp;", "trapped: &lt;script&gt;x&lt;/script&gt;", "base&lt;i&gt;.jsonl");
        // no attribute value is left open by a quote in a name
        Matcher m = Pattern.compile("<[a-z][a-z0-9]*(\\s+[a-zA-Z][a-zA-Z0-9-]*=\"[^\"]*\")*\\s*/?>").matcher("");
        Matcher tags = Pattern.compile("<[a-z][^>]*>").matcher(html);
        int count = 0;
        while (tags.find()) {
            count++;
            assertThat(m.reset(tags.group()).matches()).as(tags.group()).isTrue();
            assertThat(tags.group()).as("no event handler, no source").doesNotContainPattern("\\s(on[a-z]+|src)=");
            if (tags.group().contains("href=")) {
                assertThat(tags.group()).as("links stay in the page").matches("<a href=\"#[a-z]+\">");
            }
        }
        assertThat(count).isGreaterThan(100);
    }

    @Test
    void theReportIsOnePageWithNoScriptAndNothingToFetch() throws Exception {
        String html = render();
        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).as("no URL but the SVG namespace")
                .doesNotContain("http://", "https://");
        assertThat(html).doesNotContain("<link", "@import", "url(");
        for (String section : List.of("id=\"overview\"", "id=\"evaluators\"", "id=\"baseline\"", "id=\"groups\"", "id=\"stages\"",
                "id=\"failures\"", "id=\"worst\"")) {
            assertThat(html).contains(section);
        }
        assertThat(html).contains("class=\"chart histogram scores\"", "class=\"chart rates\"", "class=\"chart histogram cost\"",
                "class=\"chart differences\"");
    }

    @Test
    void writesTheFileAtomicallyWithTheUsualMode() throws Exception {
        EvalSummary s = new EvalSummary(List.of(), null, null);
        Path f = dir.resolve("sub/report.html");
        HtmlReport.write(f, s, s.json(Json.object(), 0));
        assertThat(Files.readString(f)).contains("<h1>Evaluation report: pipeline</h1>");
        assertThat(Files.list(f.getParent())).as("no temporary file left").hasSize(1);
        if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Path plain = Files.createFile(dir.resolve("plain"));
            assertThat(Files.getPosixFilePermissions(f)).isEqualTo(Files.getPosixFilePermissions(plain));
        }
    }

    @Test
    void compactNumbers() {
        assertThat(HtmlReport.compact(950)).isEqualTo("950");
        assertThat(HtmlReport.compact(12345)).isEqualTo("12.3k");
        assertThat(HtmlReport.compact(1251931)).isEqualTo("1.25M");
        assertThat(HtmlReport.compact(987654321)).isEqualTo("988M");
    }
}
