/** The examples as a named module: on the module path they need only --enable-native-access=dev.rawsock. */
module dev.rawsock.examples {
    requires dev.rawsock;
}
