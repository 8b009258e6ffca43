package dev.rawsock.cli; public class Main { public static void main(String[] a) {} }
