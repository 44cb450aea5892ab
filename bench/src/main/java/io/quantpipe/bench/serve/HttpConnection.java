package io.quantpipe.bench.serve;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * One persistent HTTP/1.1 connection that POSTs JSON bodies to one URI and reads
 * {@code Content-Length} responses: the little of HTTP a load generator needs, with nothing
 * between the socket and the clock (the request line, headers and body leave in one write).
 * Not thread-safe: one per worker thread.
 */
final class HttpConnection implements AutoCloseable {
  /** A response: its status code and body. */
  record Response(int status, byte[] body) {}

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] head;

  HttpConnection(URI uri) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    head = ("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
        + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(US_ASCII);
  }

  Response post(byte[] body) throws IOException {
    byte[] length = (body.length + "\r\n\r\n").getBytes(US_ASCII);
    byte[] request = new byte[head.length + length.length + body.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(length, 0, request, head.length, length.length);
    System.arraycopy(body, 0, request, head.length + length.length, body.length);
    out.write(request);
    out.flush();
    String status = line();
    if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
      throw new IOException("not an HTTP/1.1 status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    int contentLength = -1;
    for (String header; !(header = line()).isEmpty(); ) {
      int colon = header.indexOf(':');
      if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
        contentLength = Integer.parseInt(header.substring(colon + 1).strip());
      }
    }
    if (contentLength < 0) {
      throw new IOException("response without Content-Length (status " + code + ")");
    }
    return new Response(code, in.readNBytes(contentLength));
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder(64);
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new EOFException("connection closed by the server");
      }
      if (c != '\r') {
        s.append((char) c);
      }
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing to do about it
    }
  }
}
