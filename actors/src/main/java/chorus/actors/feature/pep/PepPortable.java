package chorus.actors.feature.pep;

import chorus.actors.feature.AccountData;
import chorus.actors.feature.Portable;
import chorus.actors.xmpp.DataForm;
import chorus.actors.xmpp.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * XEP-0227 §3.11: the account's PEP nodes, their configuration in one {@code <pubsub xmlns='…#owner'/>}
 * ({@code <configure node=''/>} with a node_config form) and their items in one {@code <pubsub xmlns='…pubsub'/>}
 * ({@code <items node=''/>}), as Prosody writes them. Imported as the owner's create with that configuration, then
 * one publish per item in order; settings Chorus does not implement are left out, and a node whose configuration
 * it cannot take is created with the default one by its first item.
 */
public final class PepPortable implements Portable {
    @Override
    public List<Element> export(AccountData data) {
        Map<String, PepNode> nodes = data.slice(PepNodes.KEY).nodes();
        if (nodes.isEmpty()) {
            return List.of();
        }
        Element.Builder owner = Element.build("pubsub", PepHandler.OWNER);
        Element.Builder items = Element.build("pubsub", PepHandler.NS);
        nodes.forEach((id, node) -> {
            owner.child(Element.build("configure", PepHandler.OWNER).attr("node", id)
                .child(PepOptions.form(node.config()).withAttr("type", "submit")).get());
            Element.Builder list = Element.build("items", PepHandler.NS).attr("node", id);
            node.items().forEach(i -> list.child(i.toElement(PepHandler.NS)));
            items.child(list.get());
        });
        return List.of(owner.get(), items.get());
    }

    @Override
    public List<Element> requests(Element child) {
        List<Element> out = new ArrayList<>();
        if (child.is("pubsub", PepHandler.OWNER)) {
            for (Element configure : child.elements("configure", PepHandler.OWNER)) {
                String node = configure.attr("node");
                Element.Builder create = Element.build("pubsub", PepHandler.NS)
                    .child(Element.build("create", PepHandler.NS).attr("node", node).get());
                configure.child("x", DataForm.NS).ifPresent(x -> create.child(
                    Element.build("configure", PepHandler.NS).child(setFields(x).withAttr("type", "submit")).get()));
                out.add(create.get());
            }
        } else if (child.is("pubsub", PepHandler.NS)) {
            for (Element items : child.elements("items", PepHandler.NS)) {
                for (Element item : items.elements("item", PepHandler.NS)) {
                    out.add(Element.build("pubsub", PepHandler.NS).child(Element.build("publish", PepHandler.NS)
                        .attr("node", items.attr("node")).child(item).get()).get());
                }
            }
        }
        return out;
    }

    /**
     * The form without its fields that hold no value: Prosody 0.12 writes every field of its node_config form, those
     * the owner never set as {@code <field var='pubsub#access_model' type='list-single'/>}, which leave the setting
     * as it is rather than ask for an empty one.
     */
    static Element setFields(Element x) {
        return x.withChildren(x.children().stream()
            .filter(n -> !(n instanceof Element f && f.is("field", DataForm.NS) && f.elements("value", DataForm.NS).isEmpty()))
            .toList());
    }
}
