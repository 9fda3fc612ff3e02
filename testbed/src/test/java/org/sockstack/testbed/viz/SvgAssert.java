package org.sockstack.testbed.viz;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses SVG with the JDK's XML parser (a parse error fails the test) and finds elements by class. */
final class SvgAssert {
    private SvgAssert() {
    }

    static Document parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Document d = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
            if (!"svg".equals(d.getDocumentElement().getLocalName())
                    || !"http://www.w3.org/2000/svg".equals(d.getDocumentElement().getNamespaceURI())) {
                throw new AssertionError("root is not an SVG element");
            }
            return d;
        } catch (Exception e) {
            throw new AssertionError("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Elements named {@code tag} whose class attribute contains {@code cls}, in document order. */
    static List<Element> byClass(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = d.getElementsByTagNameNS("*", tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    static List<String> texts(List<Element> elements) {
        return elements.stream().map(Element::getTextContent).toList();
    }
}
