package chorus.actors.xmpp;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** A piece of XML content inside an element: a child element or character data. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "n")
@JsonSubTypes({@JsonSubTypes.Type(value = Element.class, name = "e"), @JsonSubTypes.Type(value = Text.class, name = "t")})
public sealed interface Node permits Element, Text {
}
