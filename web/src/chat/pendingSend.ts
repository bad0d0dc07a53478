// A message typed on the empty "new chat" screen is sent by the chat view
// once the new chat exists; taking it is destructive so a re-mount (React
// StrictMode) cannot send it twice.
const pending = new Map<string, string>();

export function setPendingMessage(chatId: string, content: string): void {
  pending.set(chatId, content);
}

export function takePendingMessage(chatId: string): string | undefined {
  const c = pending.get(chatId);
  pending.delete(chatId);
  return c;
}
