/** Whether a chat still waits for the server to name it after its first message. */
export function isUntitled(title: string | undefined | null): boolean {
  return !title || /^(new chat|untitled chat|untitled)$/i.test(title.trim());
}
