package chorus.actors.xmpp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** XEP-0004 data forms: reading a submitted form's values and building a form to fill out. */
public final class DataForm {
    public static final String NS = "jabber:x:data";

    private DataForm() {
    }

    /** The form's type attribute: form, submit, cancel or result. */
    public static String type(Element x) {
        String t = x.attr("type");
        return t == null ? "" : t;
    }

    /** Each field's values by its var, in document order; fields without var are left out. */
    public static Map<String, List<String>> values(Element x) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Element field : x.elements("field", NS)) {
            String var = field.attr("var");
            if (var == null) {
                continue;
            }
            List<String> vs = new ArrayList<>();
            for (Element v : field.elements("value", NS)) {
                vs.add(v.text());
            }
            out.put(var, List.copyOf(vs));
        }
        return out;
    }

    /** True for the XEP-0004 boolean lexical forms of true: "1" and "true". */
    public static boolean isTrue(String value) {
        return "1".equals(value) || "true".equals(value);
    }

    public static Builder build(String type, String formType) {
        return new Builder(type, formType);
    }

    /** Builds a form field by field; FORM_TYPE comes first, as XEP-0068 asks. */
    public static final class Builder {
        private final Element.Builder x;

        private Builder(String type, String formType) {
            x = Element.build("x", NS).attr("type", type);
            if (formType != null) {
                x.child(field("FORM_TYPE", "hidden", null, List.of(formType), List.of()));
            }
        }

        public Builder title(String title) {
            x.textChild("title", NS, title);
            return this;
        }

        public Builder instructions(String text) {
            x.textChild("instructions", NS, text);
            return this;
        }

        /** A field the form's filler must fill (XEP-0004 §3.2, {@code <required/>}). */
        public Builder required(String var, String type, String label) {
            x.child(field(var, type, label, List.of(), List.of()).withChild(Element.of("required", NS)));
            return this;
        }

        public Builder field(String var, String type, String label, String value) {
            x.child(field(var, type, label, value == null ? List.of() : List.of(value), List.of()));
            return this;
        }

        public Builder bool(String var, String label, boolean value) {
            return field(var, "boolean", label, value ? "1" : "0");
        }

        /** A field with several values (XEP-0004 §3.2: a list-multi, or a field whose type the form's FORM_TYPE gives). */
        public Builder values(String var, String type, List<String> values) {
            x.child(field(var, type, null, values, List.of()));
            return this;
        }

        public Builder list(String var, String label, String value, List<String> options) {
            x.child(field(var, "list-single", label, List.of(value), options));
            return this;
        }

        public Element get() {
            return x.get();
        }

        private static Element field(String var, String type, String label, List<String> values, List<String> options) {
            Element.Builder f = Element.build("field", NS).attr("var", var).attr("type", type).attr("label", label);
            for (String v : values) {
                f.textChild("value", NS, v);
            }
            for (String o : options) {
                f.child(Element.build("option", NS).attr("label", o).textChild("value", NS, o).get());
            }
            return f.get();
        }
    }
}
