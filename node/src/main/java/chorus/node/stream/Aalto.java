package chorus.node.stream;

import com.fasterxml.aalto.AsyncByteArrayFeeder;
import com.fasterxml.aalto.AsyncXMLInputFactory;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.stax.InputFactoryImpl;

import javax.xml.stream.XMLInputFactory;

/** How the stream parser sets up Aalto, and what Aalto's errors mean as stream error conditions. */
final class Aalto {
    /**
     * Readers come from one factory so its setup is paid once. No reader is ever closed, because closing
     * merges the reader's element names into the factory's shared symbol table, which peers could grow
     * without bound.
     */
    private static final AsyncXMLInputFactory FACTORY = newFactory();

    private Aalto() {
    }

    static AsyncXMLStreamReader<AsyncByteArrayFeeder> newReader() {
        return FACTORY.createAsyncForByteArray();
    }

    /**
     * Aalto reports most problems as plain well-formedness errors; a few deserve their own condition.
     * The messages are Aalto's, pinned by the tests.
     */
    static String conditionOf(Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("Unsupported encoding")) {
            return StreamErrors.UNSUPPORTED_ENCODING; // e.g. encoding='UTF-16' in the XML declaration
        }
        if (m.contains("ENTITY_REFERENCE")) {
            return StreamErrors.RESTRICTED_XML; // an undeclared entity in an attribute value
        }
        if (m.startsWith("Unbound namespace prefix")) {
            return StreamErrors.BAD_NAMESPACE_PREFIX; // RFC 6120 §4.9.3.2's own example
        }
        return StreamErrors.NOT_WELL_FORMED;
    }

    /** Aalto's message without the location line, fit for a {@code <text/>}. */
    static String reason(Exception e) {
        String m = e.getMessage();
        if (m == null) {
            return "not well-formed";
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    private static AsyncXMLInputFactory newFactory() {
        InputFactoryImpl f = new InputFactoryImpl();
        // RFC 6120 §11.1: no DTD is read and no entity is ever fetched or expanded; an undeclared entity
        // surfaces as ENTITY_REFERENCE so it can be refused as restricted-xml.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        // Text comes in pieces as bytes arrive, so a long text never waits whole inside the parser.
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }
}
