package chorus.loadtest.xml;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class XmlTest {
    @Test
    void markupCharactersAndQuotesAreEscaped() {
        assertEquals("a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;", Xml.escape("a&b<c>d\"e'f\r"));
    }

    @Test
    void textWithoutMarkupIsReturnedAsItIs() {
        String s = "plain text \u00e9";
        assertSame(s, Xml.escape(s));
    }
}
