import { HttpResponse } from 'msw';

/** A response that announces `total` bytes of `type`, sends half of them, then breaks the connection. */
export function halfThenBreak(total: number, type: string) {
  return () => {
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total / 2) return controller.error(new Error('cut'));
        sent += 4096;
        controller.enqueue(new Uint8Array(4096).fill(1));
      },
    });
    return new HttpResponse(stream, { headers: { 'content-type': type, 'content-length': String(total) } });
  };
}
