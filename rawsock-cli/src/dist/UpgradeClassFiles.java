import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodTransform;
import java.lang.constant.ClassDesc;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;

/**
 * Rewrites every class of a jar older than Java 8 (picocli ships Java 5 class files) as a Java 8
 * class file, with stack maps. An AOT cache (JDK 25) skips linked pre-Java-7 classes ("Old class has
 * been linked"), so without this the command's whole picocli layer is loaded and verified from the
 * jar on every start. Run by stage.sh with JDK 25 (java.lang.classfile), only when it makes the cache.
 *
 * <pre>java UpgradeClassFiles.java IN.jar OUT.jar</pre>
 */
public final class UpgradeClassFiles {
    public static void main(String[] args) throws IOException {
        Path in = Path.of(args[0]), out = Path.of(args[1]);
        int upgraded = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {in.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             JarInputStream jin = new JarInputStream(Files.newInputStream(in));
             JarOutputStream jout = new JarOutputStream(Files.newOutputStream(out), jin.getManifest())) {
            // Stack maps need the class hierarchy: the jar's own classes and the JDK's.
            ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                    ClassHierarchyResolver.ofResourceParsing(loader).orElse(ClassHierarchyResolver.defaultResolver())));
            for (JarEntry e; (e = jin.getNextJarEntry()) != null; ) {
                byte[] bytes = jin.readAllBytes();
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    ClassModel cm = cf.parse(bytes);
                    if (cm.majorVersion() < ClassFile.JAVA_8_VERSION) {
                        // Rebuilding every method body is what makes the API compute stack maps.
                        ClassTransform t = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen((b, el) -> {
                                    if (el instanceof java.lang.classfile.ClassFileVersion) {
                                        b.withVersion(ClassFile.JAVA_8_VERSION, 0);
                                    } else {
                                        b.with(el);
                                    }
                                });
                        bytes = cf.transformClass(cm, t);
                        upgraded++;
                    }
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                jout.putNextEntry(copy);
                jout.write(bytes);
                jout.closeEntry();
            }
        }
        System.out.println("UpgradeClassFiles: " + upgraded + " classes of " + in.getFileName() + " now Java 8 class files");
    }

    private UpgradeClassFiles() {}
}
