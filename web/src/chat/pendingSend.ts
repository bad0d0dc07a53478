// A message typed on the empty "new chat" screen is sent by the chat view
// once the new chat exists; taking it is destructive so a re-mount (React
// StrictMode) cannot send it twice.
export interface PendingMessage {
  content: string;
  attachmentIds: string[];
}

const pending = new Map<string, PendingMessage>();

export function setPendingMessage(chatId: string, content: string, attachmentIds: string[] = []): void {
  pending.set(chatId, { content, attachmentIds });
}

export function takePendingMessage(chatId: string): PendingMessage | undefined {
  const c = pending.get(chatId);
  pending.delete(chatId);
  return c;
}
