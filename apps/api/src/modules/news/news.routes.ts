/** `GET /api/news`: the news card (public: guests see it too), newest first, cursor-paged, by language. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { newsPageSchema, newsQuerySchema } from '@medichat/shared';

export const newsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/news',
    {
      schema: {
        tags: ['news'],
        summary: 'Health news for the dashboard card (the shipped offline items until a feed was fetched)',
        querystring: newsQuerySchema,
        response: { 200: newsPageSchema },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=300').header('vary', 'accept-language');
      return app.services.news.page({ ...request.query, acceptLanguage: request.headers['accept-language'] });
    },
  );
};
