/** TanStack Query keys of the chat feature, per owner so one person's cache never shows another's. */
export const chatKeys = {
  all: ['chats'] as const,
  list: (owner: string) => ['chats', owner, 'list'] as const,
};
