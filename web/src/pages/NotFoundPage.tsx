import { Link } from 'react-router';
import { useDocumentTitle } from '../components/useDocumentTitle';

export default function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page-center">
      <div className="card narrow">
        <h1 className="h2">Page not found</h1>
        <p>There is nothing at this address.</p>
        <Link className="btn primary" to="/chats">
          Go to your chats
        </Link>
      </div>
    </div>
  );
}
