package dev.rawsock.cli;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What Maven Central will check, read from the built artifacts (this runs after the library modules
 * were packaged in the same reactor): each library module's jar, sources jar and Javadoc jar, and
 * the POM metadata of every deployed POM (name, description, url, licenses, developers, scm, the
 * last four possibly inherited from rawsock-parent). The command and the benchmarks are not deployed.
 */
class PublishedArtifactsIT {
    static final String VERSION = DistributionIT.VERSION;
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> LIBRARIES = List.of("rawsock-packet", "rawsock-core", "rawsock-netty");

    @Test
    void libraryModulesHaveSourcesAndJavadocJars() throws Exception {
        for (String m : LIBRARIES) {
            Path target = ROOT.resolve(m).resolve("target");
            Path jar = target.resolve(m + "-" + VERSION + ".jar");
            assumeTrue(Files.isRegularFile(jar), m + " not packaged in this build (run the whole reactor: ./run-tests)");
            Path sources = target.resolve(m + "-" + VERSION + "-sources.jar");
            Path javadoc = target.resolve(m + "-" + VERSION + "-javadoc.jar");
            assertTrue(Files.isRegularFile(sources), sources + " exists");
            assertTrue(Files.isRegularFile(javadoc), javadoc + " exists");
            try (JarFile s = new JarFile(sources.toFile()); JarFile d = new JarFile(javadoc.toFile())) {
                assertTrue(s.stream().anyMatch(e -> e.getName().endsWith(".java") && e.getName().startsWith("dev/rawsock/")),
                        sources + " holds Java sources");
                assertTrue(s.stream().noneMatch(e -> e.getName().endsWith(".class")), sources + " holds no classes");
                assertTrue(d.stream().anyMatch(e -> e.getName().endsWith("index.html")), javadoc + " holds the pages");
                // The FFM bindings are not exported, so not documented (rawsock-packet's internal package,
                // exported to the core only, is listed by javadoc as a qualified export).
                assertTrue(d.stream().noneMatch(e -> e.getName().contains("dev/rawsock/internal/")), javadoc + " documents no internal package");
            }
        }
    }

    @Test
    void everyDeployedPomHasWhatCentralRequires() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("rawsock-bom/pom.xml"));
        assertEquals("pom", text(bom, "packaging"));
        assertTrue(child(bom, "parent") == null, "the BOM has no parent, so importing it pins rawsock's modules only");
        List<String> managed = new ArrayList<>();
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            managed.add(text(d, "artifactId"));
        }
        assertEquals(LIBRARIES, managed, "the BOM manages every library module");

        List<Element> deployed = new ArrayList<>(List.of(parent, bom));
        for (String m : LIBRARIES) deployed.add(pom(ROOT.resolve(m).resolve("pom.xml")));
        for (Element p : deployed) {
            String id = text(p, "artifactId");
            Element from = child(p, "parent") == null ? p : parent;
            assertFalse(text(p, "name").isBlank(), id + " name");
            assertFalse(text(p, "description").isBlank(), id + " description");
            assertTrue(text(from, "url").startsWith("https://"), id + " url");
            Element license = child(child(from, "licenses"), "license");
            assertEquals("Apache-2.0", text(license, "name"), id + " license");
            assertTrue(text(license, "url").startsWith("https://"), id + " license url");
            assertFalse(text(child(child(from, "developers"), "developer"), "name").isBlank(), id + " developer");
            Element scm = child(from, "scm");
            assertTrue(text(scm, "connection").startsWith("scm:git:"), id + " scm connection");
            assertTrue(text(scm, "url").startsWith("https://"), id + " scm url");
        }
        // Inherited unchanged: without this Maven appends the artifactId to url and scm.
        assertEquals("false", parent.getAttribute("child.project.url.inherit.append.path"));
        assertEquals("false", child(parent, "scm").getAttribute("child.scm.url.inherit.append.path"));
        assertFalse(text(child(parent, "properties"), "project.build.outputTimestamp").isBlank(), "reproducible builds");
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License"), "LICENSE");

        for (String app : List.of("rawsock-cli", "rawsock-bench")) {
            assertEquals("true", text(child(pom(ROOT.resolve(app).resolve("pom.xml")), "properties"), "maven.deploy.skip"), app + " is not deployed");
        }
    }

    private static Element pom(Path file) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return d.getDocumentElement();
    }

    private static Element child(Element e, String name) {
        if (e == null) return null;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) return c;
        }
        return null;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) out.add(c);
        }
        return out;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? "" : c.getTextContent().trim();
    }
}
